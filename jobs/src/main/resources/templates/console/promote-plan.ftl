<#-- promote: per tool the candidate, every gate and the action (dry run: what it would do) -->
== promote ${dryRun?then("plan (dry run)", "run")} at ${now?string} ==
<#list tools as t>
<#assign p = t.plan()>

${p.tool()}: <#list p.wanted() as env, v>${env}=${v}<#sep>, </#list>
<#if (p.candidate())??>
  candidate: ${p.candidate().version()} ${p.candidate().from()} → ${p.candidate().to()} (now ${p.candidate().current()})
<#list p.gates() as g>
  [${g.passed()?then("pass", "FAIL")}] ${g.name()?right_pad(13)} ${g.reason()}
</#list>
  decision: ${p.decision()}
<#else>
  no candidate: every environment wants the same version
</#if>
<#if p.sequence()?has_content>
  steps (each waits for the one before):
<#list p.sequence() as step>
    ${step?counter}. ${step}
</#list>
</#if>
<#list t.actions() as a>
  → ${a.verb()} ${a.target()}: ${a.detail()!""} [${a.status()}]
</#list>
<#if p.outcome()?string != "NONE">
  last promotion: ${p.outcome()} — ${p.outcomeDetail()}
</#if>
<#list p.observations() as o>
  ${o.environment()?right_pad(8)} ${o.cluster()?right_pad(14)} ${o.describe()}
</#list>
</#list>
