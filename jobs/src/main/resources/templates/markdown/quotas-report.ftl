<#-- quotas report, Markdown (tickets, PR comments, chat) -->
<#function md s><#return s?replace("|", "\\|")?replace("\n", " ")></#function>
## ${title}

${summary}

| Account | Region | Quota | Applied | Wanted | In use | Exhausted | Open request | Action | Why |
|---|---|---|---:|---:|---:|---|---|---|---|
<#list rows as r>
| ${r.account()} | ${r.region()} | <#if r.quota()?has_content>`${r.quota()}` ${md(r.quotaName())}</#if> | ${r.applied()} | <#if r.verb() != "account-failed">${r.wanted()?c}</#if> | ${r.inUse()} | ${md(r.exhaustion())} | ${md(r.openRequest())} | **${r.status()}** ${md(r.verb())} ${md(r.detail()!"")} | ${md(r.reason()!"")} |
</#list>
<#if warnings?size gt 0>

### Needs attention

<#list warnings as wn>
- ${md(wn)}
</#list>
</#if>
<#if revision?has_content>

_Desired state at ${revision}._
</#if>
