// Style and script of the bucket page (plain browser JS as a string: no bundler needed).
export const PAGE_STYLE = `
body{font-family:sans-serif;margin:1em 2em;color:#222}
.meta{color:#666}
.alert{background:#fde2e2;border:1px solid #c33;padding:.4em .6em}
.stream{margin:1.2em 0;border:1px solid #ddd;padding:.5em}
.stream h3{margin:.2em 0;font-size:1em}
.row{position:relative;height:22px;margin:3px 0;background:#f6f6f6}
.row .lvl{position:absolute;left:-3.2em;width:3em;text-align:right;font-size:11px;color:#888}
.block{position:absolute;top:1px;height:20px;box-sizing:border-box;border:1px solid #2a6;background:#bfe8cf;
  font-size:10px;overflow:hidden;white-space:nowrap}
.block.deletion{background:#f3c0c0;border-color:#c33}
.block.nocompact{background:#f6e3a6;border-color:#c90}
.axis{display:flex;justify-content:space-between;font-size:11px;color:#666}
.rows{margin-left:3.4em}
table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
`;

export const PAGE_SCRIPT = `
(function(){
  var snap = JSON.parse(document.getElementById('bucket-data').textContent);
  var res = function(r){ return r === 0 ? 'raw' : r === 300000 ? '5m' : r === 3600000 ? '1h' : r + 'ms'; };
  var size = function(b){ var u=['B','KiB','MiB','GiB','TiB'],i=0; while(b>=1024&&i<u.length-1){b/=1024;i++;} return b.toFixed(i?1:0)+' '+u[i]; };
  var iso = function(t){ return new Date(t).toISOString().replace('.000Z','Z'); };
  var lbl = function(l){ return '{' + Object.keys(l).sort().map(function(k){ return k + '="' + l[k] + '"'; }).join(', ') + '}'; };
  var el = function(tag, cls, text){ var e=document.createElement(tag); if(cls) e.className=cls; if(text!=null) e.textContent=text; return e; };
  var streams = {};
  var lo = Infinity, hi = -Infinity;
  snap.blocks.forEach(function(b){
    var key = lbl(b.labels) + ' @ ' + res(b.resolution);
    (streams[key] = streams[key] || []).push(b);
    lo = Math.min(lo, b.minTime); hi = Math.max(hi, b.maxTime);
  });
  var span = Math.max(1, hi - lo);
  var root = document.getElementById('streams');
  Object.keys(streams).sort().forEach(function(key){
    var div = el('div', 'stream'); div.setAttribute('data-stream', key);
    div.appendChild(el('h3', null, key + ' — ' + streams[key].length + ' blocks'));
    var axis = el('div', 'axis rows'); axis.appendChild(el('span', null, iso(lo))); axis.appendChild(el('span', null, iso(hi)));
    div.appendChild(axis);
    var rows = el('div', 'rows');
    var levels = {};
    streams[key].forEach(function(b){ (levels[b.level] = levels[b.level] || []).push(b); });
    Object.keys(levels).sort(function(a,b){return b-a;}).forEach(function(l){
      var row = el('div', 'row'); row.appendChild(el('span', 'lvl', 'L' + l));
      levels[l].forEach(function(b){
        var cls = 'block' + (b.markers.some(function(m){return m==='deletion';}) ? ' deletion' : '') + (b.markers.some(function(m){return m.indexOf('no-compact')===0;}) ? ' nocompact' : '');
        var d = el('div', cls, b.ulid);
        d.setAttribute('data-ulid', b.ulid);
        d.style.left = (100 * (b.minTime - lo) / span) + '%';
        d.style.width = Math.max(0.2, 100 * (b.maxTime - b.minTime) / span) + '%';
        d.title = b.ulid + '\\nlevel ' + b.level + ', ' + res(b.resolution) + '\\n' + iso(b.minTime) + ' .. ' + iso(b.maxTime) +
          '\\n' + b.numSeries + ' series, ' + b.numSamples + ' samples, ' + size(b.sizeBytes) + (b.markers.length ? '\\nmarkers: ' + b.markers.join(', ') : '');
        row.appendChild(d);
      });
      rows.appendChild(row);
    });
    div.appendChild(rows);
    root.appendChild(div);
  });
  var tbody = document.querySelector('#block-table tbody');
  snap.blocks.forEach(function(b){
    var tr = el('tr'); tr.setAttribute('data-ulid', b.ulid);
    [b.ulid, lbl(b.labels), res(b.resolution), String(b.level), iso(b.minTime), iso(b.maxTime), String(b.numSeries), String(b.numSamples), size(b.sizeBytes), b.markers.join(', ')]
      .forEach(function(t){ tr.appendChild(el('td', null, t)); });
    tbody.appendChild(tr);
  });
  if (snap.partial.length) {
    var p = document.getElementById('partial');
    p.appendChild(el('h2', null, 'Partial uploads'));
    snap.partial.forEach(function(x){ p.appendChild(el('div', 'partial', x.ulid + ': ' + x.reason)); });
  }
  document.body.setAttribute('data-rendered', String(snap.blocks.length));
})();
`;
