import { describe, expect, it } from "vitest";
import { serverOfUrl } from "../src/adapter/server-url.js";

describe("serverOfUrl", () => {
  it("reads the host and port of an endpoint, the scheme's default port when none is named", () => {
    expect(serverOfUrl("https://api.openai.com/v1")).toEqual({ address: "api.openai.com", port: 443 });
    expect(serverOfUrl("http://127.0.0.1:4010/v1/chat")).toEqual({ address: "127.0.0.1", port: 4010 });
    expect(serverOfUrl("http://localhost/")).toEqual({ address: "localhost", port: 80 });
  });

  it("gives an IPv6 host without its brackets", () => {
    expect(serverOfUrl("http://[::1]:8080/v1")).toEqual({ address: "::1", port: 8080 });
  });

  it("gives nothing for what is not an absolute URL with a host", () => {
    for (const value of ["", "not a url", "/v1/chat", undefined, null, 42, {}, "file:///tmp/x"]) {
      expect(serverOfUrl(value)).toBeUndefined();
    }
  });

  it("leaves the port out for a scheme it does not know", () => {
    expect(serverOfUrl("wss://realtime.example.com/v1")).toEqual({ address: "realtime.example.com", port: undefined });
  });
});
