<#-- Slack mrkdwn: only findings new or changed since the last alert. -->
*kubechores certs* (${fleet}): ${count} certificate finding<#if count != 1>s</#if> new or changed since the last alert
<#list rows as r>
${r.emoji} *${r.severity}*<#if r.was?has_content> (was ${r.was})</#if> `${r.location}` ${r.subject} — ${r.reason} (notAfter ${r.expires})
</#list>
<#if more gt 0>
… and ${more} more: see the certs report
</#if>
