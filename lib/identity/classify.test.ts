import { describe, expect, it } from "vitest";
import { classifyInput, storedRawInput } from "./classify";
import { checkCharacter, formatCode } from "./code";

const body = "K7QX2M4";
const code = body + checkCharacter(body);

describe("classifyInput", () => {
  it("treats blank input as empty (a cleared field)", () => {
    expect(classifyInput("")).toEqual({ kind: "empty" });
    expect(classifyInput("   ")).toEqual({ kind: "empty" });
  });

  it("reads codes forgivingly: case, dashes, spaces", () => {
    expect(classifyInput(formatCode(code).toLowerCase())).toEqual({ kind: "valid", normalized: code });
    expect(classifyInput(` ${code.slice(0, 4)} ${code.slice(4)} `)).toEqual({
      kind: "valid",
      normalized: code,
    });
  });

  it("calls a non-code invalid", () => {
    expect(classifyInput("n/a")).toEqual({ kind: "invalid" });
    expect(classifyInput("+86 138 0013 8000")).toEqual({ kind: "invalid" });
    expect(classifyInput(code + "9")).toEqual({ kind: "invalid" });
  });

  it("flags one wrong character as check_failed and lists the right code among its neighbours", () => {
    const typo = code.slice(0, 2) + (code[2] === "A" ? "B" : "A") + code.slice(3);
    const result = classifyInput(typo);
    expect(result.kind).toBe("check_failed");
    if (result.kind !== "check_failed") return;
    expect(result.neighbours).toContain(code);
    expect(result.neighbours).not.toContain(typo);
  });

  it("flags a swap of neighbours and suggests the original", () => {
    const swapped = code[1]! + code[0]! + code.slice(2);
    const result = classifyInput(swapped);
    expect(result.kind).toBe("check_failed");
    if (result.kind === "check_failed") expect(result.neighbours).toContain(code);
  });

  it("bounds what it stores", () => {
    expect(storedRawInput("x".repeat(500))).toHaveLength(200);
    expect(storedRawInput(" abc ")).toBe(" abc ");
  });
});
