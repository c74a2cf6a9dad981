import { router } from "../../trpc/init.ts";
import { createSession } from "./procedures/create-session.ts";
import { endSession } from "./procedures/end-session.ts";
import { getSession } from "./procedures/get-session.ts";
import { installApk } from "./procedures/install-apk.ts";
import { pushFile } from "./procedures/push-file.ts";
import { runShell } from "./procedures/run-shell.ts";
import { sendKeyevent } from "./procedures/send-keyevent.ts";
import { streamSessionEvents } from "./procedures/stream-session-events.ts";
import { swipeScreen } from "./procedures/swipe-screen.ts";
import { takeScreenshot } from "./procedures/take-screenshot.ts";
import { tapScreen } from "./procedures/tap-screen.ts";
import { typeText } from "./procedures/type-text.ts";

/** Sessions and the device gateway that drives an active session's phone (owner only; every gateway call is logged). */
export const sessionsRouter = router({
  create: createSession,
  get: getSession,
  end: endSession,
  events: streamSessionEvents,
  shell: runShell,
  screenshot: takeScreenshot,
  tap: tapScreen,
  swipe: swipeScreen,
  text: typeText,
  keyevent: sendKeyevent,
  install: installApk,
  push: pushFile,
});
