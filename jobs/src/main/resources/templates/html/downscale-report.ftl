<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- downscale: per policy its week (uptime/downtime bars, now, next scale-down and restore), savings in money, per cluster the actions -->
<#assign css>
  .week { position: relative; height: 1.6rem; background: #eaeef2; margin: .2rem 0 1.3rem; max-width: 60rem; border-radius: 3px; }
  .week span.seg { position: absolute; top: 0; height: 100%; }
  .week .up { background: #2da44e; } .week .down { background: #8c959f; }
  .week .now { position: absolute; top: -4px; bottom: -4px; width: 2px; background: #cf222e; }
  .week .day { position: absolute; top: 100%; font-size: .7rem; color: var(--muted); border-left: 1px solid #d0d7de; padding-left: 2px; height: 1rem; }
  .legend i.up { background: #2da44e; } .legend i.down { background: #8c959f; } .legend i.now { background: #cf222e; width: 2px; }
  .cards { display: flex; gap: .8rem; flex-wrap: wrap; margin: .6rem 0; }
  .card { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .9rem; min-width: 8rem; }
  .card .n { font-size: 1.3rem; font-weight: 700; } .card .t { font-size: .75rem; color: var(--muted); text-transform: uppercase; }
  .card.money { background: #dafbe1; border-color: #4ac26b; }
  .next { font-size: .9rem; }
</#assign>
<@l.page title="downscale ${dryRun?then('plan', 'run')} ${at}" job="downscale" meta="${dryRun?then('plan (dry run): nothing changed', 'run')} · ${at} (UTC)" css=css>
<h1>downscale ${dryRun?then("plan", "run")} — ${at}</h1>
<p id="summary">${summary}</p>
<div class="cards" id="savings">
  <div class="card money"><div class="n" id="money">${money}</div><div class="t">saved until uptime</div></div>
  <div class="card"><div class="n">${cpuHours}</div><div class="t">CPU core-hours</div></div>
  <div class="card"><div class="n">${memHours}</div><div class="t">GiB-hours</div></div>
  <#list totals as verb, n><#if n gt 0><div class="card"><div class="n">${n}</div><div class="t">${verb}</div></div></#if></#list>
</div>
<p class="meta">prices: ${prices}</p>
<#if weeks?size gt 0>
<h2>Policies this week</h2>
<p class="legend"><span><i class="up"></i>uptime</span><span><i class="down"></i>downtime</span><span><i class="now"></i>now</span><span>Monday 00:00 to Monday 00:00 in the fleet's time zone</span></p>
<#list weeks as w>
<section class="policy" data-policy="${w.policy}">
<h3>${w.policy}</h3>
<div class="week" role="img" aria-label="week of policy ${w.policy}"><#list w.bars as b><span class="seg ${b.up?then("up", "down")}" style="left:${b.left}%;width:${b.width}%" title="${b.title}"></span></#list><#list ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as d><span class="day" style="left:${(d?index * 100 / 7)?string["0.###"]}%">${d}</span></#list><span class="now" style="left:${w.now}%" title="now"></span></div>
<p class="next">next scale-down: <strong class="next-down">${w.nextScaleDown}</strong> · next restore: <strong class="next-up">${w.nextRestore}</strong></p>
</section>
</#list>
</#if>
<#list clusters as c>
<section class="cluster" data-cluster="${c.name}">
<h2>${c.name}</h2>
<#if c.failed><p class="FAILED">failed: ${c.error}</p><#else>
<p>${c.workloads} objects read, ${c.unchanged} already right, ${c.excluded} excluded; saves ~${c.cpuHours} CPU core-hours, ${c.memHours} GiB-hours (~<strong>${c.money}</strong>).</p>
<#if c.actions?size gt 0>
<table><tr><th>object</th><th>action</th><th>detail</th><th>status</th><th>why</th></tr>
<#list c.actions as a>
<tr class="${a.status()}"><td>${a.target()}</td><td>${a.verb()}</td><td>${a.detail()!""}</td><td>${a.status()}</td><td class="reason">${a.reason()!""}</td></tr>
</#list>
</table>
</#if>
<#list c.warnings as w><p class="warn">⚠ ${w}</p></#list>
</#if>
</section>
</#list>
</@l.page>
