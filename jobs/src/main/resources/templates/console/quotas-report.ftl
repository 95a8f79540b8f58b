<#-- quotas report, console: ACCOUNT REGION QUOTA APPLIED WANTED IN USE EXHAUSTED OPEN REQUEST ACTION -->
<#function cut s n><#if s?length gt n><#return s[0..<(n-1)] + "…"><#else><#return s></#if></#function>
== ${title} ==
${summary}
<#if rows?size == 0>
(no quotas wanted: no QuotaPolicy, or no account/region in scope)
<#else>
${"ACCOUNT"?right_pad(w.account)}  ${"REGION"?right_pad(w.region)}  ${"QUOTA"?right_pad(w.quota)}  ${"APPLIED"?left_pad(w.applied)}  ${"WANTED"?left_pad(w.wanted)}  ${"IN USE"?left_pad(w.inUse)}  ${"EXHAUSTED"?right_pad(w.exhaustion)}  ${"OPEN REQUEST"?right_pad(w.open)}  ACTION
<#list rows as r>
${r.account()?right_pad(w.account)}  ${r.region()?right_pad(w.region)}  ${r.quota()?right_pad(w.quota)}  ${r.applied()?left_pad(w.applied)}  ${(r.verb() == "account-failed")?then("", r.wanted()?c)?left_pad(w.wanted)}  ${r.inUse()?left_pad(w.inUse)}  ${r.exhaustion()?right_pad(w.exhaustion)}  ${cut(r.openRequest(), w.open)?right_pad(w.open)}  ${r.action()}
</#list>
</#if>
<#if warnings?size gt 0>

Needs attention:
<#list warnings as wn>
 - ${wn}
</#list>
</#if>
