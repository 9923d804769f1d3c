// Reads a GEXF file with graphology-gexf (the reader of Gephi Lite and sigma.js) and prints what it got.
// Usage: node read_gexf.js FILE.gexf  ->  {"order", "size", "type", "nodes": {id: attributes}, "edge": attributes}
const fs = require("fs");
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], "utf-8"));
const nodes = {};
graph.forEachNode((id, attrs) => { nodes[id] = attrs; });
const first = graph.edges()[0];
process.stdout.write(JSON.stringify({
  order: graph.order, size: graph.size, type: graph.type, nodes,
  edge: first === undefined ? null : graph.getEdgeAttributes(first),
}));
