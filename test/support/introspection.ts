import { getIntrospectionQuery } from "graphql";

/** The introspection query every tool sends, with every option graphql-js offers (depth 15, cost ~15,600). */
export const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});
