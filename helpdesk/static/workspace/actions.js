// Claim, transfer, resolve: what an agent does to the open conversation.

import * as api from "./api.js";
import { renderConversation } from "./conversation.js";
import { $, h } from "./elements.js";
import { clearError, showError } from "./errors.js";
import { refreshQueue } from "./queue.js";
import { state } from "./state.js";
import { t } from "./texts.js";

/** "claim", "transfer" (with its body) or "resolve" the open conversation, and show the result. */
export async function act(action, body) {
  const conversation = state.conversation;
  if (!conversation) return;
  try {
    const updated = await api.act(conversation.id, action, body);
    clearError();
    state.conversation = updated;
    renderConversation(updated);
    // Focus moves now, not after the queue reloads: by then the agent may be typing elsewhere.
    if (action === "claim") $("reply").focus();
    else $("messages").focus();
    await refreshQueue(false);
  } catch (error) {
    showError(error, action);
    if (error.status === 409 || error.status === 403) {
      // Someone else was quicker: show the conversation as it is now.
      await refreshQueue(false);
      const fresh = await api.conversation(conversation.id).catch(() => null);
      if (fresh && state.openId === conversation.id) {
        state.conversation = fresh;
        renderConversation(fresh);
      }
    }
  }
}

/** The transfer dialog, with the teams and the other agents to choose from. */
export async function openTransfer() {
  if ($("transfer").hidden) return;
  let directory;
  try {
    directory = await api.directory();
  } catch (error) {
    showError(error, "transfer");
    return;
  }
  const teams = h("optgroup", { label: t("workspace_transfer_to") },
    (directory.teams || []).map((team) => h("option", { value: `team:${team}` }, t("workspace_transfer_team", { team }))));
  const agents = h("optgroup", { label: t("workspace_from_agent") },
    (directory.agents || []).filter((a) => a.id !== state.agent.id)
      .map((a) => h("option", { value: `agent:${a.id}` },
        `${a.name} (${a.team}; ${(a.languages || []).join(", ")})`)));
  $("transfer-target").replaceChildren(teams, agents);
  $("transfer-note").value = "";
  $("transfer-dialog").showModal();
  $("transfer-target").focus();
}

/** The dialog closed: transfer if it closed with its Transfer button. */
export function transferChosen() {
  if ($("transfer-dialog").returnValue !== "transfer") return;
  const [kind, value] = $("transfer-target").value.split(":");
  if (!value) return;
  const body = kind === "team" ? { team: value } : { agent_id: Number(value) };
  const note = $("transfer-note").value.trim();
  if (note) body.note = note;
  act("transfer", body);
}
