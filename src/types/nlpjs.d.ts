// NLP.js ships no type declarations: the little of it itbot uses, typed.
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
    get(name: string): unknown;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
  const commonJs: { containerBootstrap: typeof containerBootstrap };
  export default commonJs;
}

declare module '@nlpjs/nlp' {
  export interface NlpResult {
    intent: string;
    score: number;
    classifications: { intent: string; score: number }[];
  }
  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    settings: Record<string, unknown>;
    container: unknown;
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(data: string): void;
  }
  const commonJs: { Nlp: typeof Nlp };
  export default commonJs;
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
  const commonJs: { LangEn: unknown };
  export default commonJs;
}
