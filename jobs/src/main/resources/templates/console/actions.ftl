<#-- Console plan table: TARGET ACTION DETAIL STATUS REASON -->
== ${title} ==
<#if actions?size == 0>
(nothing to do)
<#else>
${"TARGET"?right_pad(wTarget)}  ${"ACTION"?right_pad(wVerb)}  ${"DETAIL"?right_pad(wDetail)}  ${"STATUS"?right_pad(9)}  REASON
<#list actions as a>
${a.target()?right_pad(wTarget)}  ${a.verb()?right_pad(wVerb)}  ${(a.detail()!"")?right_pad(wDetail)}  ${a.status()?string?right_pad(9)}  ${a.reason()!""}
</#list>
</#if>
