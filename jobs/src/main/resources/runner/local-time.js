(function () {
  // Shows every <time datetime="...Z"> in the viewer's time zone and names that zone wherever .tz is.
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var f = new Intl.DateTimeFormat('en-GB', {timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short'});
  document.querySelectorAll('time[datetime]').forEach(function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (isNaN(d.getTime())) return;
    var p = {};
    f.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    t.textContent = p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second + ' ' + p.timeZoneName;
  });
  document.querySelectorAll('.tz').forEach(function (e) { e.textContent = zone + ' (your browser\u2019s time zone)'; });
})();
