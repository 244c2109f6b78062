import { GoogleGenAI } from '@google/genai';

/**
 * The SDK client. GOOGLE_GEMINI_BASE_URL (read by the SDK itself) points it elsewhere, which is
 * how the tests run it against a local fake of the API.
 */
export function createGeminiClient(apiKey: string, baseUrl?: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey, ...(baseUrl ? { httpOptions: { baseUrl } } : {}) });
}
