import { formatIssue, parsePolicy } from "./src/core/policy/parse.ts";
const text = `version: "2"
rules:
  - name: a
    efect: allow
    effect: permit
    conditions:
      profiles: [prod, 3]
      time:
        days: [monday, funday]
        hours: { start: "9:00", end: "18:00" }
        timezone: Mars/Base
    max_duration: 10m
  - name: a
    effect: allow
`;
const r = parsePolicy(Deno.args[0] ? Deno.readTextFileSync(Deno.args[0]) : text);
if (!r.ok) console.log(r.issues.map((i) => formatIssue(i, "p.yaml")).join("\n"));
console.log(JSON.stringify(parsePolicy("version: 1\nrules:\n - name: x\n   effect: deny\n")));
console.log(JSON.stringify(parsePolicy("a: [")));
console.log(JSON.stringify(parsePolicy("")));
console.log(JSON.stringify(parsePolicy("- 1")));
