<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- promote: per tool a staging → prod lane (stages = environments, the candidate's gates on its arrow), then steps, actions and what every cluster runs -->
<#assign css>
  .lane { display: flex; align-items: stretch; gap: .3rem; margin: .6rem 0 1rem; flex-wrap: wrap; }
  .stage { border: 2px solid var(--line); border-radius: 8px; padding: .4rem .8rem; min-width: 11rem; background: #fff; }
  .stage .env { font-weight: 700; text-transform: uppercase; letter-spacing: .04em; font-size: .8rem; color: var(--muted); }
  .stage .wanted { margin: .2rem 0; }
  .stage ul, .arrow ul { list-style: none; padding: 0; margin: .2rem 0 0; font-size: .82rem; }
  .arrow { display: flex; flex-direction: column; justify-content: center; align-items: center; min-width: 3rem; padding: 0 .4rem; }
  .arrow .shaft { font-size: 1.6rem; color: var(--muted); }
  .arrow.candidate { border: 1px dashed var(--line); border-radius: 8px; background: var(--soft); min-width: 12rem; }
  .arrow.candidate.PROMOTE .shaft { color: var(--ok); } .arrow.candidate.REFUSED .shaft, .arrow.candidate.NEEDS_HUMAN .shaft { color: var(--bad); }
  .gate.pass { color: var(--ok); } .gate.FAIL { color: var(--bad); font-weight: 600; }
  table { margin-bottom: 1rem; }
</#assign>
<@l.page title=title job="promote" meta=dryRun?then("plan (dry run): nothing changed", "run") + " · times in UTC" css=css>
<h1>${title}</h1>
<p id="summary">${summary}</p>
<#list tools as t>
<#assign p = t.plan()>
<section class="tool" data-tool="${p.tool()}">
<h2>${p.tool()}</h2>
<#-- the lane: one stage per environment in promotion order (Kargo's stages), the gates of the candidate on the arrow into its target -->
<div class="lane" role="img" aria-label="promotion lane of ${p.tool()}">
<#list p.wanted() as env, v>
  <#if env?index gt 0>
  <#assign here = (p.candidate())?? && p.candidate().to() == env>
  <div class="arrow<#if here> candidate ${p.decision()}</#if>" data-to="${env}">
    <div class="shaft">→</div>
    <#if here>
    <div class="moving"><code>${p.candidate().version()}</code> <span class="${p.decision()}">${p.decision()}</span></div>
    <ul class="gates"><#list p.gates() as g><li class="gate ${g.passed()?then("pass", "FAIL")}" title="${g.reason()}">${g.passed()?then("✓", "✗")} ${g.name()}</li></#list></ul>
    </#if>
  </div>
  </#if>
  <div class="stage" data-env="${env}">
    <div class="env">${env}</div>
    <div class="wanted">wants <code>${v}</code></div>
    <ul class="clusters"><#list p.observations()?filter(o -> o.environment() == env) as o><li class="${o.healthy()?then("pass", "FAIL")}" title="${o.describe()}">${o.healthy()?then("●", "✗")} ${o.cluster()} <code>${o.runningVersion()!"?"}</code></li></#list></ul>
  </div>
</#list>
</div>
<p><#list p.wanted() as env, v>${env} <code>${v}</code><#sep> · </#list></p>
<#if (p.candidate())??>
<p>Candidate <code>${p.candidate().version()}</code> ${p.candidate().from()} → ${p.candidate().to()} (now <code>${p.candidate().current()}</code>):
<span class="${p.decision()}">${p.decision()}</span></p>
<table>
<thead><tr><th>Gate</th><th>Result</th><th>Why</th></tr></thead>
<tbody>
<#list p.gates() as g>
<tr class="${g.passed()?then("pass", "FAIL")}"><td>${g.name()}</td><td>${g.passed()?then("pass", "FAIL")}</td><td>${g.reason()}</td></tr>
</#list>
</tbody>
</table>
<#else>
<p>No candidate: every environment wants the same version.</p>
</#if>
<#if p.outcome()?string != "NONE">
<p>Last promotion: <span class="${p.outcome()}">${p.outcome()}</span> — ${p.outcomeDetail()}</p>
</#if>
<#if p.sequence()?has_content>
<p>Steps (each waits for the one before):</p>
<ol>
<#list p.sequence() as step><li>${step}</li></#list>
</ol>
</#if>
<#if t.actions()?has_content>
<table>
<thead><tr><th>Target</th><th>Action</th><th>Status</th></tr></thead>
<tbody>
<#list t.actions() as a>
<tr class="${a.status()}"><td>${a.target()}</td><td>${a.verb()} ${a.detail()!""}<div class="reason">${a.reason()!""}</div></td><td>${a.status()}</td></tr>
</#list>
</tbody>
</table>
</#if>
<table>
<thead><tr><th>Environment</th><th>Cluster</th><th>Runs</th></tr></thead>
<tbody>
<#list p.observations() as o>
<tr class="${o.healthy()?then("pass", "FAIL")}"><td>${o.environment()}</td><td>${o.cluster()}</td><td>${o.describe()}</td></tr>
</#list>
</tbody>
</table>
</section>
</#list>
<@l.attention items=warnings/>
</@l.page>
