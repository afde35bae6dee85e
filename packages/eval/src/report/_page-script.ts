/**
 * The page's own script (plain ES2017, run after plotly.js): reads the JSON data block and draws the
 * figures. Every string in the data is already escaped for plotly, and none is ever put into HTML.
 * When all plots are drawn it sets `data-report-ready="true"` on `<html>`.
 */
export const PAGE_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
    '#9c755f', '#bab0ac', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
    '#17becf', '#bcbd22', '#7f7f7f'];
  var font = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', size: 12, color: '#1f2933' };
  var config = { responsive: true, displaylogo: false, scrollZoom: false };

  function hasWebgl() {
    try {
      var canvas = document.createElement('canvas');
      return !!(canvas.getContext('webgl2') || canvas.getContext('webgl'));
    } catch (error) {
      return false;
    }
  }
  var total = data.scatter.reduce(function (sum, trace) { return sum + trace.x.length; }, 0);
  var scatterType = total > data.webglThreshold && hasWebgl() ? 'scattergl' : 'scatter';
  var markerSize = total > 20000 ? 3 : total > 3000 ? 4 : 6;

  function layout(extra) {
    var base = {
      font: font,
      margin: { l: 48, r: 16, t: 8, b: 40 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      hoverlabel: { align: 'left', font: { family: font.family, size: 12 } },
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', itemsizing: 'constant' },
      colorway: palette
    };
    for (var key in extra) base[key] = extra[key];
    return base;
  }
  // A fresh object per axis: plotly writes the computed range back into the layout it is given.
  function hiddenAxis() {
    return { showticklabels: false, showgrid: true, gridcolor: '#eef1f4', zeroline: false, title: { text: '' } };
  }
  function scatterLayout() {
    return layout({
      xaxis: hiddenAxis(),
      yaxis: hiddenAxis(),
      margin: { l: 8, r: 8, t: 8, b: 8 },
      hovermode: 'closest',
      dragmode: 'zoom'
    });
  }
  function points(x, y, hover, name, colour) {
    return {
      type: scatterType, mode: 'markers', name: name, x: x, y: y, hovertext: hover, hoverinfo: 'text',
      marker: { size: markerSize, opacity: 0.75, color: colour, line: { width: 0 } }
    };
  }

  var drawn = [];
  function draw(id, traces, plotLayout) {
    var element = document.getElementById(id);
    if (!element) return;
    drawn.push(Plotly.newPlot(element, traces, plotLayout, config));
  }

  draw('plot-by-dataset', data.scatter.map(function (trace, index) {
    return points(trace.x, trace.y, trace.hover, trace.name, palette[index % palette.length]);
  }), scatterLayout());

  draw('plot-by-branch', data.branches.map(function (group, index) {
    var x = [], y = [], hover = [];
    for (var i = 0; i < group.point.length; i++) {
      var trace = data.scatter[group.dataset[i]];
      var point = group.point[i];
      x.push(trace.x[point]);
      y.push(trace.y[point]);
      hover.push(trace.hover[point]);
    }
    return points(x, y, hover, group.name, palette[index % palette.length]);
  }), scatterLayout());

  if (data.sunburst) {
    var sunburst = data.sunburst;
    draw('plot-sunburst', [{
      type: 'sunburst', ids: sunburst.ids, parents: sunburst.parents, labels: sunburst.labels,
      values: sunburst.values, branchvalues: 'total', hovertext: sunburst.hover, hoverinfo: 'text',
      maxdepth: sunburst.maxDepth, insidetextorientation: 'radial', marker: { line: { color: '#fff', width: 1 } }
    }], layout({ margin: { l: 8, r: 8, t: 8, b: 8 }, sunburstcolorway: palette, extendsunburstcolors: true }));
  }

  function histogramLayout(barmode) {
    return layout({
      xaxis: { title: { text: 'samples per leaf' }, zeroline: false },
      yaxis: { title: { text: 'leaves' }, gridcolor: '#eef1f4' },
      bargap: 0.05,
      barmode: barmode || 'overlay'
    });
  }
  if (data.leafSizes) {
    draw('plot-leaf-sizes', [{
      type: 'histogram', x: data.leafSizes, name: 'leaves', marker: { color: palette[0] },
      hovertemplate: '%{x} samples: %{y} leaves<extra></extra>'
    }], histogramLayout());
  }
  if (data.beforeAfter) {
    draw('plot-balance', [
      { type: 'histogram', x: data.beforeAfter.before, name: 'before balancing', bingroup: 'leaves',
        marker: { color: palette[1] }, hovertemplate: 'before: %{x} samples, %{y} leaves<extra></extra>' },
      { type: 'histogram', x: data.beforeAfter.after, name: 'after balancing', bingroup: 'leaves',
        marker: { color: palette[0] }, hovertemplate: 'after: %{x} samples, %{y} leaves<extra></extra>' }
    ], histogramLayout('group'));
  }

  Promise.all(drawn).then(function () {
    document.documentElement.setAttribute('data-report-ready', 'true');
  }, function (error) {
    document.documentElement.setAttribute('data-report-ready', 'error');
    console.error('report: a plot failed to draw', error);
  });
})();
`;
