<#-- Slack mrkdwn: only findings new or changed since the last alert, and reminders of those still critical/expired. -->
*kubechores certs* (${fleet}): ${count} certificate finding<#if count != 1>s</#if> new or changed since the last alert<#if reminders gt 0> (${reminders} of them reminders: still unresolved)</#if>
<#list rows as r>
${r.emoji} *${r.severity}*<#if r.was?has_content> (was ${r.was})</#if><#if r.reminder> (reminder)</#if> `${r.location}` ${r.subject} — ${r.reason} (notAfter ${r.expires})<#if r.usedBy?has_content> → ${r.usedBy}</#if>
</#list>
<#if more gt 0>
… and ${more} more: see the certs report
</#if>
