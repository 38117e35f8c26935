// The two validators' APIs as check.ts calls them: swagger-mock-validator ships no declarations, and
// the comparator's do not resolve under NodeNext (extensionless relative re-exports).
declare module "@pactflow/swagger-mock-validator" {
  export interface ValidationResult {
    code: string;
    message: string;
    type: "error" | "warning";
    mockDetails?: { interactionDescription?: string | null; location: string; value?: unknown };
    specDetails?: { location: string; value?: unknown };
  }
  export interface ValidationOutcome {
    errors: ValidationResult[];
    warnings: ValidationResult[];
    success: boolean;
    failureReason?: string;
  }
  export interface SwaggerMockValidator {
    validate(options: { specPathOrUrl: string; mockPathOrUrl: string }): Promise<ValidationOutcome>;
  }
  export const SwaggerMockValidatorFactory: { create(auth?: string): SwaggerMockValidator };
}

declare module "@pactflow/openapi-pact-comparator" {
  import type { ValidationResult } from "@pactflow/swagger-mock-validator";
  export type Result = ValidationResult;
  export class Comparator {
    constructor(oas: object);
    compare(pact: object): AsyncGenerator<Result>;
  }
}
