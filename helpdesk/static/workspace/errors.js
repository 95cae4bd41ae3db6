// What went wrong, in the agent's language, on the #error line; the draft in the text box is never touched.

import { $, show } from "./elements.js";
import { state } from "./state.js";
import { t } from "./texts.js";

/** Shows an ApiError; `action` ("claim", "send", …) says what the agent was doing, for a clearer text. */
export function showError(error, action) {
  let text;
  if (error.status === 0) text = t("workspace_error_offline");
  else if (error.status === 401) return; // sessionExpired() shows the login form
  else if (error.status === 409 && action === "claim") {
    text = error.code === "at_capacity" ? t("workspace_at_capacity", { capacity: state.agent.capacity })
      : t("workspace_error_taken");
  } else if (error.status === 403 && action === "send") text = t("workspace_error_not_yours");
  else if (error.status === 409 && action === "send") text = t("workspace_error_not_yours");
  else if (error.status === 403) text = t("workspace_error_forbidden", { detail: error.message });
  else text = t("workspace_error_generic", { detail: error.message });
  $("error").textContent = text;
  show($("error"), true);
}

export function clearError() {
  show($("error"), false);
  $("error").textContent = "";
}
