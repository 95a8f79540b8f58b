<#ftl output_format="HTML">
<#import "layout.ftl" as l>
<#-- Certificate report: summary, SVG timeline of upcoming expiries, table sorted by expiry. -->
<#assign css>
  .meta { color: #616e7c; font-size: 13px; margin-bottom: 16px; }
  .cards { display: flex; gap: 12px; margin-bottom: 18px; }
  .card { border-radius: 6px; padding: 10px 16px; min-width: 110px; color: #fff; }
  .card .n { font-size: 26px; font-weight: 700; }
  .card .l { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
  .card.expired { background: #b42318; } .card.critical { background: #dc6803; }
  .card.warning { background: #b54708; background: #eaaa08; color: #1f2933; } .card.ok { background: #027a48; }
  .card.excluded { background: #e4e7eb; color: #1f2933; }
  svg { border: 1px solid #e4e7eb; border-radius: 6px; background: #fbfcfd; }
  svg .dot.expired { fill: #b42318; } svg .dot.critical { fill: #dc6803; }
  svg .dot.warning { fill: #eaaa08; } svg .dot.ok { fill: #12b76a; }
  svg text { font-size: 11px; fill: #52606d; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.where, td.subject { overflow-wrap: anywhere; }
  td.subject { min-width: 230px; } td.where { min-width: 190px; }
  td.nowrap { white-space: nowrap; }
  .svgbox { max-width: 1160px; }
  .sev { font-weight: 700; font-size: 11px; padding: 2px 6px; border-radius: 4px; color: #fff; white-space: nowrap; }
  .sev.expired { background: #b42318; } .sev.critical { background: #dc6803; }
  .sev.warning { background: #eaaa08; color: #1f2933; } .sev.ok { background: #12b76a; }
  .flag { display: inline-block; background: #fee4e2; color: #912018; border-radius: 3px; padding: 1px 4px; margin: 1px 2px 1px 0; font-size: 11px; }
  .reason { color: #52606d; font-size: 11.5px; }
  .problems { background: #fffaeb; border: 1px solid #fedf89; border-radius: 6px; padding: 8px 14px; margin-top: 16px; font-size: 13px; }
  .failed { background: #fef3f2; border-color: #fecdca; }
  table#findings { width: 100%; font-size: 12.5px; }
  table#findings th { position: sticky; top: 0; }
</#assign>
<@l.page title="Certificates — ${fleet}" job="certs" meta="times in ${generated?keep_after_last(' ')}" css=css>
<h1>Certificates — ${fleet}</h1>
<div class="meta" id="generated">Generated ${generated}<#if revision?has_content> · desired state ${revision}</#if><#if dryRun> · dry run (nothing posted or pushed)</#if> · ${total} certificate(s) found</div>

<div class="cards">
<#list counts as sev, n>
  <div class="card ${sev}"><div class="n">${n}</div><div class="l">${sev}</div></div>
</#list>
  <div class="card excluded"><div class="n">${excluded}</div><div class="l">excluded</div></div>
</div>

<#assign t = timeline>
<div class="svgbox"><svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${t.width} ${t.height}" role="img" aria-label="Upcoming certificate expiries">
  <text x="${t.x0}" y="18" style="font-size:13px;font-weight:600;fill:#1f2933">Upcoming expiries — next ${t.window} days<#if t.beyond gt 0> (${t.beyond} later, not shown)</#if></text>
  <rect x="${t.expiredX}" y="28" width="60" height="${t.axisY - 28}" fill="#fee4e2"/>
  <text x="${t.expiredX + 30}" y="${t.axisY + 16}" text-anchor="middle" style="fill:#b42318;font-weight:600">expired</text>
  <rect x="${t.x0}" y="28" width="${t.critX - t.x0}" height="${t.axisY - 28}" fill="#fef0c7" opacity="0.7"/>
  <rect x="${t.critX}" y="28" width="${t.warnX - t.critX}" height="${t.axisY - 28}" fill="#fefbe8"/>
  <line x1="${t.x0}" y1="${t.axisY}" x2="${t.x1}" y2="${t.axisY}" stroke="#9aa5b1"/>
  <line x1="${t.critX}" y1="28" x2="${t.critX}" y2="${t.axisY}" stroke="#dc6803" stroke-dasharray="4 3"/>
  <text x="${t.critX + 4}" y="40" style="fill:#dc6803">critical ${t.critDays} d</text>
  <line x1="${t.warnX}" y1="28" x2="${t.warnX}" y2="${t.axisY}" stroke="#b54708" stroke-dasharray="4 3"/>
  <text x="${t.warnX + 4}" y="40" style="fill:#b54708">warning ${t.warnDays} d</text>
<#list t.ticks as k>
  <line x1="${k.x}" y1="${t.axisY}" x2="${k.x}" y2="${t.axisY + 5}" stroke="#9aa5b1"/>
  <text x="${k.x}" y="${t.axisY + 18}" text-anchor="middle">${k.label}</text>
</#list>
<#list t.dots as d>
  <circle class="dot ${d.sev}" cx="${d.x}" cy="${d.y}" r="5" stroke="#fff" stroke-width="1"><title>${d.title}</title></circle>
</#list>
  <circle class="dot expired" cx="${t.x0 + 10}" cy="${t.height - 14}" r="5"/><text x="${t.x0 + 20}" y="${t.height - 10}">expired</text>
  <circle class="dot critical" cx="${t.x0 + 90}" cy="${t.height - 14}" r="5"/><text x="${t.x0 + 100}" y="${t.height - 10}">critical</text>
  <circle class="dot warning" cx="${t.x0 + 170}" cy="${t.height - 14}" r="5"/><text x="${t.x0 + 180}" y="${t.height - 10}">warning</text>
  <circle class="dot ok" cx="${t.x0 + 250}" cy="${t.height - 14}" r="5"/><text x="${t.x0 + 260}" y="${t.height - 10}">ok</text>
</svg></div>

<#if failed?size gt 0>
<div class="problems failed"><strong>Failed partitions</strong><ul><#list failed as f><li>${f}</li></#list></ul></div>
</#if>
<#if problems?size gt 0>
<div class="problems"><strong>Could not check</strong><ul><#list problems as p><li>${p}</li></#list></ul></div>
</#if>

<table id="findings">
<thead><tr><th>Severity</th><th>Expires</th><th>Days</th><th>Cluster</th><th>Source</th><th>Where</th><th>Subject / issuer</th><th>Flags and reason</th></tr></thead>
<tbody>
<#list rows as r>
<tr>
  <td><span class="sev ${r.sev}">${r.severity}</span></td>
  <td class="nowrap">${r.expires}</td>
  <td class="num">${r.days}</td>
  <td class="nowrap">${r.cluster}</td>
  <td class="nowrap">${r.source}</td>
  <td class="where">${r.where}</td>
  <td class="subject">${r.subject}<#if r.issuer?has_content><br><span class="reason">issuer ${r.issuer}</span></#if></td>
  <td><#list r.flagDetails as fd><span class="flag" title="${fd}">${fd?keep_before(":")}</span></#list><div class="reason">${r.reason}</div></td>
</tr>
</#list>
</tbody>
</table>
<#if hiddenOk gt 0><p class="meta">… and ${hiddenOk} more OK certificate(s) — all are in certs-findings.json.</p></#if>
</@l.page>
