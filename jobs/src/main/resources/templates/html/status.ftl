<#ftl output_format="HTML">
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>kubechores runner</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
    h1 { margin-bottom: .2rem; } .muted { color: #666; font-size: .9rem; }
    section.job { border: 1px solid #ddd; border-radius: 6px; padding: 1rem; margin: 1rem 0; }
    table { border-collapse: collapse; margin: .5rem 0; } th, td { padding: .25rem .6rem; text-align: left; border-bottom: 1px solid #eee; }
    .COMPLETED { color: #1a7f37; } .FAILED, .PARTIAL_FAILURE { color: #cf222e; } .STARTED, .STARTING { color: #9a6700; }
    button { margin-right: .4rem; }
    .notice { background: #ddf4ff; padding: .5rem 1rem; border-radius: 6px; }
  </style>
</head>
<body>
<h1>kubechores runner</h1>
<p class="muted">${now}<#if !schedulingEnabled> · scheduling disabled here (CronJobs own the schedule): manual runs only</#if>
  · <a href="/">refresh</a> · <a href="/api/jobs">JSON</a> · <a href="/actuator/prometheus">metrics</a></p>
<#if triggered?has_content>
  <p class="notice" id="notice">${triggeredDryRun?then("Plan", "Run")} of <strong>${triggered}</strong> queued; it appears below when it starts.</p>
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
<section class="job" id="job-${job.name()}">
  <h2>${job.name()}<#if job.running()> <span class="STARTED">running</span></#if><#if job.queued() gt 0> <span class="muted">(${job.queued()} queued)</span></#if></h2>
  <#if job.description()?has_content><p class="muted">${job.description()}</p></#if>
  <button type="submit" id="run-${job.name()}" formaction="/jobs/${job.name()}/run" name="dryRun" value="false"<#if !triggersEnabled> disabled</#if>>Run now</button>
  <button type="submit" id="plan-${job.name()}" formaction="/jobs/${job.name()}/run" name="dryRun" value="true"<#if !triggersEnabled> disabled</#if>>Plan now</button>
  <h3>Schedules</h3>
  <#if job.schedules()?has_content>
  <table class="schedules">
    <tr><th>schedule</th><th>cron</th><th>time zone</th><th>args</th><th>next run</th></tr>
    <#list job.schedules() as s>
    <tr class="schedule" data-schedule="${s.name()}">
      <td>${s.name()}<#if !s.enabled()> <span class="muted">(disabled)</span></#if></td>
      <td><code>${s.cron()}</code></td>
      <td>${s.timeZone()}</td>
      <td><#if s.dryRun()>plan only </#if><#if s.clusters()?has_content>clusters ${s.clusters()?join(", ")} </#if><#if s.ref()??>ref ${s.ref()}</#if></td>
      <td class="next">${s.nextFireShown()}</td>
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
      <td>${r.startShown()}</td>
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
</body>
</html>
