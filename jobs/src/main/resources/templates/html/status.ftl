<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- glyphs so that an outcome never depends on colour alone -->
<#assign glyph = {"OK": "✓", "FAILED": "✗", "RUNNING": "…", "NONE": "·"}>
<#assign css>
  section.job { border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem 1rem; margin: 1rem 0; }
  button { margin-right: .4rem; }
  .spark { vertical-align: middle; margin-left: .6rem; }
  .spark rect.OK { fill: #2da44e; } .spark rect.FAILED { fill: #cf222e; } .spark rect.RUNNING { fill: #bf8700; }
  .spark rect.STOPPED, .spark rect.ABANDONED, .spark rect.UNKNOWN { fill: #8c959f; }
  .gridbox { max-height: 70vh; overflow: auto; border: 1px solid var(--line); border-radius: 6px; display: inline-block; }
  table.grid { margin: 0; font-size: .82rem; }
  table.grid th { position: sticky; top: 0; z-index: 1; }
  table.grid th.partition, table.grid td.partition { position: sticky; left: 0; background: #fff; font-family: ui-monospace, monospace; }
  table.grid th.partition { background: var(--soft); z-index: 2; }
  table.grid td.cell { text-align: center; padding: .15rem .5rem; white-space: nowrap; }
  table.grid td.cell a { color: inherit; text-decoration: none; display: block; }
  td.cell.OK { background: #dafbe1; } td.cell.FAILED { background: #ffcecb; font-weight: 600; }
  td.cell.RUNNING { background: #fff8c5; } td.cell.NONE { color: #afb8c1; }
  td.cell.plan { font-style: italic; }
  .legend i.OK { background: #dafbe1; } .legend i.FAILED { background: #ffcecb; } .legend i.RUNNING { background: #fff8c5; } .legend i.NONE { background: #eaeef2; }
</#assign>
<@l.page title="kubechores runner" meta="" css=css script=script home="/">
<h1>kubechores runner</h1>
<p class="muted">Times in <span class="tz" id="tz">${zone}</span> · page rendered <time datetime="${nowIso}" id="now">${now}</time><#if !schedulingEnabled> · scheduling disabled here (CronJobs own the schedule): manual runs only</#if>
  · <a href="/">refresh</a> · <a href="/api/jobs">JSON</a> · <a href="/actuator/prometheus">metrics</a></p>
<#if triggered?has_content>
  <p class="notice" id="notice">${triggeredDryRun?then("Plan", "Run")} of <strong>${triggered}</strong> queued; it appears below when it starts.</p>
</#if>

<h2 id="fleet">Fleet: latest outcome per job and cluster</h2>
<p class="muted" id="grid-counts">${grid.rows()?size} partition(s) × ${grid.jobs()?size} job(s): ${grid.cells()} with a recent run, <span class="FAILED">${grid.failed()} failed</span>, ${grid.running()} running. Each cell: outcome and how long ago; click for the run.</p>
<p class="legend"><span><i class="OK"></i>✓ ok</span><span><i class="FAILED"></i>✗ failed</span><span><i class="RUNNING"></i>… running</span><span><i class="NONE"></i>· no recent run</span><span><em>italic</em>: plan (dry run)</span></p>
<#if grid.rows()?has_content>
<div class="gridbox">
<table class="grid" id="grid">
  <thead><tr><th class="partition">cluster / partition</th><#list grid.jobs() as j><th class="jobcol" data-job="${j}">${j}</th></#list></tr></thead>
  <tbody>
  <#list grid.rows() as row>
  <tr class="gridrow" data-partition="${row.partition()}">
    <td class="partition">${row.partition()}</td>
    <#list row.cells() as c>
    <td class="cell ${c.outcome()}<#if c.dryRun()> plan</#if>" data-job="${c.job()}" data-partition="${c.partition()}" data-outcome="${c.outcome()}" title="${c.title()}"><#if c.url()?has_content><a href="${c.url()}">${glyph[c.outcome()]!c.outcome()} ${c.age()}</a><#else>${glyph["NONE"]}</#if></td>
    </#list>
  </tr>
  </#list>
  </tbody>
</table>
</div>
<#else>
<p class="muted" id="grid-empty">No partition has run yet.</p>
</#if>

<form method="post" id="trigger" action="/">
<#-- the default button is disabled: Enter in the token field submits nothing (it would press the first "Run now") -->
<button type="submit" disabled hidden aria-hidden="true"></button>
<#if triggersEnabled>
  <p><label>Runner token <input type="password" name="token" id="token" autocomplete="current-password" required></label>
    <span class="muted">needed for "Run now" and "Plan now"</span></p>
<#else>
  <p class="notice" id="triggers-disabled">Manual runs are disabled on this runner: set <code>KUBECHORES_RUNNER_TOKEN</code> to enable them.</p>
</#if>
<#list jobs as job>
<#assign sp = job.sparkline()>
<section class="job" id="job-${job.name()}">
  <h2>${job.name()}<#if job.running()> <span class="STARTED">running</span></#if><#if job.queued() gt 0> <span class="muted">(${job.queued()} queued)</span></#if>
  <svg class="spark" id="spark-${job.name()}" xmlns="http://www.w3.org/2000/svg" width="${sp.width()?c}" height="${sp.height()?c}" viewBox="0 0 ${sp.width()?c} ${sp.height()?c}" role="img" aria-label="${job.name()} ${sp.caption()}"><#list sp.bars() as b><a href="${b.url()}"><rect class="${b.outcome()}" data-execution-id="${b.executionId()?c}" x="${b.x()?c}" y="${b.y()?c}" width="${b.width()?c}" height="${b.height()?c}"><title>${b.title()}</title></rect></a></#list></svg>
  <span class="muted spark-caption">${sp.caption()}</span></h2>
  <#if job.description()?has_content><p class="muted">${job.description()}</p></#if>
  <button type="submit" id="run-${job.name()}" formaction="/jobs/${job.name()}/run" name="dryRun" value="false"<#if !triggersEnabled> disabled</#if>>Run now</button>
  <button type="submit" id="plan-${job.name()}" formaction="/jobs/${job.name()}/run" name="dryRun" value="true"<#if !triggersEnabled> disabled</#if>>Plan now</button>
  <h3>Schedules</h3>
  <#if job.schedules()?has_content>
  <table class="schedules">
    <tr><th>schedule</th><th>cron</th><th>cron's time zone</th><th>args</th><th>next run</th></tr>
    <#list job.schedules() as s>
    <tr class="schedule" data-schedule="${s.name()}">
      <td>${s.name()}<#if !s.enabled()> <span class="muted">(disabled)</span></#if></td>
      <td><code>${s.cron()}</code></td>
      <td>${s.timeZone()}</td>
      <td><#if s.dryRun()>plan only </#if><#if s.clusters()?has_content>clusters ${s.clusters()?join(", ")} </#if><#if s.ref()??>ref ${s.ref()}</#if></td>
      <td class="next"><#if s.nextFire()??><time datetime="${s.nextFire()}">${s.nextFireShown()}</time><#else>${s.nextFireShown()}</#if></td>
    </tr>
    </#list>
  </table>
  <#else>
  <p class="muted">No schedule: runs only when triggered.</p>
  </#if>
  <h3>Last runs</h3>
  <#if job.runs()?has_content>
  <table class="runs">
    <tr><th>#</th><th>started</th><th>trigger</th><th>status</th><th>exit</th><th>clusters</th><th>duration</th></tr>
    <#list job.runs() as r>
    <tr class="run" data-execution-id="${r.executionId()?c}">
      <td><a class="report" href="${r.url()}">${r.executionId()?c}</a></td>
      <td><#if r.start()??><time datetime="${r.start()}">${r.startShown()}</time></#if></td>
      <td class="trigger">${r.trigger()}<#if r.dryRun()> (plan)</#if></td>
      <td class="status ${r.status()}">${r.status()}</td>
      <td class="exit" title="${r.exitDescription()!""}">${r.exitCode()}</td>
      <td class="partitions"><#if r.partitions() gt 0>${r.partitions()}<#if r.failedPartitions() gt 0>, <span class="FAILED">${r.failedPartitions()} failed</span></#if></#if></td>
      <td>${r.durationShown()}</td>
    </tr>
    </#list>
  </table>
  <#else>
  <p class="muted no-runs">No runs yet.</p>
  </#if>
</section>
</#list>
</form>
</@l.page>
