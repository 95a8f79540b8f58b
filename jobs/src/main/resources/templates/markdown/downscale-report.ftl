# downscale ${dryRun?then("plan", "run")} — ${at}

${summary}

| cluster | scale-down | restore | deferred | skipped | CPU core-hours saved | GiB-hours saved | worth |
|---|---:|---:|---:|---:|---:|---:|---:|
<#list clusters as c>
| ${c.name}<#if c.failed> ❌ ${c.error}</#if> | ${c.actions?filter(a -> a.verb() == "scale-down")?size} | ${c.actions?filter(a -> a.verb() == "restore")?size} | ${c.actions?filter(a -> a.verb() == "defer")?size} | ${c.actions?filter(a -> a.verb() == "skip" || a.verb() == "invalid")?size} | ${c.cpuHours} | ${c.memHours} | ${c.money} |
</#list>
<#list clusters as c><#if c.actions?size gt 0>

## ${c.name}

| object | action | detail | status | why |
|---|---|---|---|---|
<#list c.actions as a>
| `${a.target()}` | ${a.verb()} | ${a.detail()!""} | ${a.status()} | ${a.reason()!""} |
</#list>
</#if><#if c.warnings?size gt 0>

Warnings:
<#list c.warnings as w>
- ${w}
</#list>
</#if></#list>
