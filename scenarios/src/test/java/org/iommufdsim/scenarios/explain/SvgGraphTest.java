package org.iommufdsim.scenarios.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.iommufdsim.sim.host.ObjectGraph;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The SVG rendering is well-formed XML (the JDK's parser reads it), has one node group per
 * graph node and one edge group per edge, puts each kind in its fixed column, gives the same
 * bytes for the same graph, and keeps a node where it was when later steps only add nodes.
 */
class SvgGraphTest {
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(
        svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** data-key -> transform of every node group. */
  static Map<String, String> positions(Document d) {
    Map<String, String> out = new TreeMap<>();
    NodeList gs = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < gs.getLength(); i++) {
      Element e = (Element) gs.item(i);
      if (e.getAttribute("class").startsWith("node ")) {
        out.put(e.getAttribute("data-key"), e.getAttribute("transform"));
      }
    }
    return out;
  }

  static List<String> edgeGroups(Document d) {
    List<String> out = new ArrayList<>();
    NodeList gs = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < gs.getLength(); i++) {
      Element e = (Element) gs.item(i);
      if (e.getAttribute("class").startsWith("edge ")) {
        out.add(e.getAttribute("data-from") + "->" + e.getAttribute("data-to"));
      }
    }
    return out;
  }

  @Test
  void smallGraph_wellFormed_nodesInTheirKindsColumns() throws Exception {
    String svg = SvgGraph.render(GraphRenderersTest.SMALL);
    Document d = parse(svg);
    Element root = d.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    // columns are 320 apart from x=20: fds 0, context and devices 1, paging HWPTs 3, IOAS 4;
    // a column stacks from y=44; a box is 12 + 14 per line high, 18 apart
    assertThat(positions(d)).isEqualTo(Map.of(
        "p1.fd3", "translate(20,44)",
        "c1", "translate(340,44)",
        "c1.o2", "translate(340,88)",
        "c1.o3", "translate(980,44)",
        "c1.o1", "translate(1300,44)"));
    assertThat(root.getAttribute("width")).isEqualTo("1550");
    assertThat(root.getAttribute("height")).isEqualTo("148");
    assertThat(edgeGroups(d)).containsExactly("p1.fd3->c1", "c1.o2->c1.o3", "c1.o2->c1.o3",
        "c1.o3->c1.o1");
    assertThat(svg).contains("name=a\"b\\c&lt;d&gt;&amp;#e");
    assertThat(SvgGraph.render(GraphRenderersTest.SMALL)).isEqualTo(svg);
  }

  @Test
  void idPrefix_namesTheOnlyId() throws Exception {
    Document d = parse(SvgGraph.render(GraphRenderersTest.SMALL, "step3-"));
    NodeList markers = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "marker");
    assertThat(markers.getLength()).isEqualTo(1);
    assertThat(((Element) markers.item(0)).getAttribute("id")).isEqualTo("step3-arrow");
  }

  @Test
  void emptyGraph_isStillAValidSvg() throws Exception {
    Document d = parse(SvgGraph.render(new ObjectGraph(List.of(), List.of(), List.of())));
    assertThat(positions(d)).isEmpty();
  }

  @Test
  void scenarioSteps_wellFormed_andNodesStayPutWhileNothingIsDestroyed() throws Exception {
    List<ObjectGraph> gs = ObjectGraphTest.graphs(ObjectGraphTest.VFIO_PASIDS);
    Map<String, String> before = null;
    int compared = 0;
    for (ObjectGraph g : gs) {
      Document d = parse(SvgGraph.render(g));
      Map<String, String> now = positions(d);
      assertThat(now.keySet()).containsExactlyInAnyOrderElementsOf(
          g.nodes().stream().map(ObjectGraph.Node::key).toList());
      assertThat(edgeGroups(d)).hasSize(g.edges().size());
      if (before != null && now.keySet().containsAll(before.keySet())) {
        for (Map.Entry<String, String> e : before.entrySet()) {
          assertThat(now.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
          compared++;
        }
      }
      before = now;
    }
    assertThat(compared).as("some steps only added nodes").isGreaterThan(10);
  }
}
