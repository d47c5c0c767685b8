// The schema GraphQL Code Generator prints: the loader awaits this default-export promise.
import "reflect-metadata";
import { createSchema } from "../src/graphql/schema.js";

export default await createSchema();
