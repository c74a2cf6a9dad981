import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZProfile, ZUpdateProfileInput } from "../account.types.ts";
import { updateProfile } from "../service.ts";

export const updateMe = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "PATCH",
      path: "/api/account/me",
      surface: "mobile",
      summary: "Update your profile",
      description:
        "Any of `display_name` (1–80 characters, trimmed; null clears it), `recording_opt_in` (boolean), " +
        "`session_timeout_min` (integer minutes, 5–240). Fields left out are unchanged; unknown fields are " +
        "ignored. Returns the updated profile; invalid input is 400 naming the field.",
      auth: ["bearer"],
    },
  })
  .input(ZUpdateProfileInput)
  .output(ZProfile)
  .mutation(({ ctx, input }) =>
    updateProfile({ db: ctx.services.db, principalCache: ctx.services.principalCache }, { userId: ctx.auth.userId, patch: input }),
  );
