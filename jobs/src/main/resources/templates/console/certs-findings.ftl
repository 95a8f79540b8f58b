<#-- Certificates sorted by expiry, soonest first: every non-OK finding, then the first OK ones. -->
== certificates (soonest expiry first) ==
<#if rows?size == 0>
(no certificates found)
<#else>
${"SEVERITY"?right_pad(w.severity)}  ${"EXPIRES"?right_pad(w.expires)}  ${"DAYS"?left_pad(w.days)}  ${"CLUSTER"?right_pad(w.cluster)}  ${"SOURCE"?right_pad(w.source)}  ${"WHERE"?right_pad(w.where)}  ${"SUBJECT"?right_pad(w.subject)}  FLAGS
<#list rows as r>
${r.severity?right_pad(w.severity)}  ${r.expires?right_pad(w.expires)}  ${r.days?left_pad(w.days)}  ${r.cluster?right_pad(w.cluster)}  ${r.source?right_pad(w.source)}  ${r.where?right_pad(w.where)}  ${r.subject?right_pad(w.subject)}  ${r.flags}
</#list>
<#if hiddenOk gt 0>
… and ${hiddenOk} more OK certificate(s) (all are in certs-findings.json)
</#if>
</#if>
<#if problems?size gt 0>
-- could not check --
<#list problems as p>
! ${p}
</#list>
</#if>
