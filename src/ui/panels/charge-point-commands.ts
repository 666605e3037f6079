/**
 * Inspector actions for a charging station that is an OCPP charge point: Reset, make unavailable / available
 * (ChangeAvailability on connector 0) and remote start (connector 1). Shown to operators only; the gateway checks
 * the role again, sends the command to the charge point and writes it to its audit log. The reply (or the reason
 * it failed) is shown as text under the buttons.
 */
import type { Selection } from "../../state/ui-store";
import { h } from "../dom";
import { t, type StringKey } from "../i18n";

export interface ChargePointCommandDeps {
  /** the page's role on the gateway (from the live connection's hello) */
  role: () => string | undefined;
  /** the page's token (sessionStorage, set from ?token=) */
  token: () => string | undefined;
  /** REST base of the gateway (default: this page's origin) */
  baseUrl?: string;
  /** charger id of an object index */
  idOf: (index: number) => string;
}

const COMMANDS: { key: StringKey; body: Record<string, unknown> }[] = [
  { key: "ocpp.reset", body: { action: "Reset", type: "Soft" } },
  { key: "ocpp.unavailable", body: { action: "ChangeAvailability", connectorId: 0, type: "Inoperative" } },
  { key: "ocpp.available", body: { action: "ChangeAvailability", connectorId: 0, type: "Operative" } },
  { key: "ocpp.remoteStart", body: { action: "RemoteStartTransaction", connectorId: 1, idTag: "OPERATOR" } },
];

async function send(deps: ChargePointCommandDeps, id: string, body: Record<string, unknown>): Promise<string> {
  const base = deps.baseUrl ?? "";
  const res = await fetch(`${base}/api/ocpp/charge-points/${encodeURIComponent(id)}/command`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${deps.token() ?? ""}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { reply?: { status?: string }; reason?: string };
  if (!res.ok) return `${t("ocpp.failed")}: ${json.reason ?? res.status}`;
  return `${t("ocpp.reply")}: ${json.reply?.status ?? "?"}`;
}

export function chargePointActions(deps: ChargePointCommandDeps): (sel: Exclude<Selection, null>) => HTMLElement[] {
  return (sel) => {
    if (sel.kind !== "object" || sel.layer !== "chargers" || deps.role() !== "operator") return [];
    const id = deps.idOf(sel.index);
    const result = h("div", { class: "ocpp-result", "data-testid": "ocpp-result", role: "status" });
    const buttons = COMMANDS.map((c) =>
      h(
        "button",
        {
          type: "button",
          "data-testid": `ocpp-${String(c.body.action)}-${String(c.body.type ?? "")}`,
          onclick: () => {
            result.textContent = "…";
            void send(deps, id, c.body).then((text) => (result.textContent = text));
          },
        },
        t(c.key),
      ),
    );
    return [h("div", { class: "ocpp-commands", "data-testid": "ocpp-commands" }, ...buttons, result)];
  };
}
