<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- rightsize: per policy, per container a before/after bar per resource field (scaled to the larger value) -->
<#assign css>
  .proposal { border: 1px solid var(--line); border-radius: 6px; padding: .3rem 1rem .6rem; margin: .8rem 0; max-width: 60rem; }
  .proposal h3 { margin: .4rem 0 .1rem; font-family: ui-monospace, monospace; }
  .bars { display: grid; grid-template-columns: 9rem 1fr 5rem; gap: .15rem .8rem; align-items: center; font-size: .85rem; }
  .bars .field { font-family: ui-monospace, monospace; }
  .bars .track { position: relative; }
  .bars .b { height: .7rem; border-radius: 2px; margin: 1px 0; min-width: 1px; }
  .bars .before { background: #8c959f; } .bars .after.down { background: #2da44e; } .bars .after.up { background: #bf8700; }
  .bars .after.same { background: #8c959f; }
  .bars .val { font-size: .75rem; color: var(--muted); }
  .change.down { color: var(--ok); font-weight: 600; } .change.up { color: var(--warn); font-weight: 600; }
  .legend i.before { background: #8c959f; } .legend i.down { background: #2da44e; } .legend i.up { background: #bf8700; }
</#assign>
<@l.page title=title job="rightsize" meta="${dryRun?then('plan (dry run): nothing pushed', 'run')} · ${at} (UTC)" css=css>
<h1>${title}</h1>
<p id="summary">${summary}</p>
<#if revision?has_content><p class="meta">desired state ${revision}</p></#if>
<p class="legend"><span><i class="before"></i>before (as written)</span><span><i class="down"></i>after: smaller</span><span><i class="up"></i>after: larger</span></p>
<#list policies as pol>
<section class="policy" data-policy="${pol.name()}">
<h2>Policy ${pol.name()}</h2>
<#if pol.proposals()?has_content>
<#list pol.proposals() as p>
<div class="proposal" data-container="${p.container()}">
  <h3>${p.title()}</h3>
  <p class="meta">${p.source()} · workloads ${p.workloads()} · cost ${p.monthlyCost()}</p>
  <div class="bars" role="img" aria-label="before and after of ${p.title()}">
  <#list p.bars() as b>
    <span class="field">${b.field()}</span>
    <span class="track">
      <div class="b before" style="width:${b.beforePct()?c}%" title="before ${b.before()}"></div>
      <div class="b after ${b.direction()}" style="width:${b.afterPct()?c}%" title="after ${b.after()}"></div>
      <span class="val">${b.before()} → ${b.after()}</span>
    </span>
    <span class="change ${b.direction()}">${b.change()}</span>
  </#list>
  </div>
  <#if p.notes()?has_content><ul class="reason"><#list p.notes() as n><li>${n}</li></#list></ul></#if>
</div>
</#list>
<#else>
<p class="muted">No container changes.</p>
</#if>
<#if pol.unchanged() gt 0><p class="muted">${pol.unchanged()} container(s) already right-sized.</p></#if>
</section>
</#list>
<#if prs?has_content>
<h2>Pull requests</h2>
<table id="prs"><tr><th>topic</th><th>action</th><th>status</th><th>why</th></tr>
<#list prs as a><tr class="${a.status}"><td>${a.target}</td><td>${a.verb} ${a.detail}</td><td>${a.status}</td><td class="reason">${a.reason}</td></tr></#list>
</table>
</#if>
<@l.attention items=warnings/>
</@l.page>
