/** What other domains use of magic-link: password registration shares its invites and per-IP sign-up budget. */
export { checkSignUpInvite, consumeInvite, inviteRefusedError } from "./invites.ts";
export { throttleSignupAddress } from "./throttle.ts";
