/**
 * Why a recipe falls short of its study's number, by recipe name: `onnxline report` prints the
 * text verbatim beside a "short by X points" row. Say what differs (data, budget, epochs, backend)
 * and what was measured, not guesses.
 */
export const reportNotes: Record<string /* recipe */, string> = {};
