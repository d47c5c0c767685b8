/** The seven seed operations as GraphQL fields. Each one parses, calls the service, replies. */
import { Arg, Mutation, Query, Resolver } from "type-graphql";
import type { JwkInput } from "../domain/jwk.js";
import type { JsonWebKeyService } from "../domain/service.js";
import { JsonWebKeyInput, JsonWebKeySetGeneratorRequestInput, JsonWebKeySetInput } from "./inputs.js";
import { JsonWebKeySetType, JsonWebKeyType } from "./types.js";

@Resolver(() => JsonWebKeySetType)
export class JsonWebKeyResolver {
  constructor(private readonly service: JsonWebKeyService) {}

  @Query(() => JsonWebKeySetType, { description: "All keys of a set, newest first (seed: GET /keys/{set})" })
  getJsonWebKeySet(@Arg("set", () => String) set: string) {
    return this.service.getJsonWebKeySet(set);
  }

  @Query(() => JsonWebKeySetType, { description: "A set holding the one key with this kid (seed: GET /keys/{set}/{kid})" })
  getJsonWebKey(@Arg("set", () => String) set: string, @Arg("kid", () => String) kid: string) {
    return this.service.getJsonWebKey(set, kid);
  }

  @Mutation(() => JsonWebKeySetType, { description: "Generates one key and adds it to the set (seed: POST /keys/{set})" })
  createJsonWebKeySet(
    @Arg("set", () => String) set: string,
    @Arg("input", () => JsonWebKeySetGeneratorRequestInput) input: JsonWebKeySetGeneratorRequestInput,
  ) {
    return this.service.createJsonWebKeySet(set, input);
  }

  @Mutation(() => JsonWebKeyType, { description: "Stores a caller-supplied key under kid, replacing any key there (seed: PUT /keys/{set}/{kid})" })
  updateJsonWebKey(
    @Arg("set", () => String) set: string,
    @Arg("kid", () => String) kid: string,
    @Arg("input", () => JsonWebKeyInput) input: JsonWebKeyInput,
  ) {
    return this.service.updateJsonWebKey(set, kid, members(input));
  }

  @Mutation(() => JsonWebKeySetType, { description: "Replaces the whole set atomically (seed: PUT /keys/{set})" })
  updateJsonWebKeySet(@Arg("set", () => String) set: string, @Arg("input", () => JsonWebKeySetInput) input: JsonWebKeySetInput) {
    return this.service.updateJsonWebKeySet(set, { keys: input.keys.map(members) });
  }

  @Mutation(() => Boolean, { description: "Deletes one key; true when something was removed (seed: DELETE /keys/{set}/{kid})" })
  deleteJsonWebKey(@Arg("set", () => String) set: string, @Arg("kid", () => String) kid: string) {
    return this.service.deleteJsonWebKey(set, kid);
  }

  @Mutation(() => Boolean, { description: "Deletes a whole set; true when something was removed (seed: DELETE /keys/{set})" })
  deleteJsonWebKeySet(@Arg("set", () => String) set: string) {
    return this.service.deleteJsonWebKeySet(set);
  }
}

/** GraphQL gives explicit nulls for members a caller wrote as null; a JWK simply lacks them. */
function members(input: JsonWebKeyInput): JwkInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));
}
