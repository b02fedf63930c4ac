package org.iommufdsim.scenarios.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Group;
import org.iommufdsim.sim.host.ObjectGraph.Kind;
import org.iommufdsim.sim.host.ObjectGraph.Node;
import org.iommufdsim.sim.host.ObjectGraph.Relation;
import org.junit.jupiter.api.Test;

/**
 * The text, DOT and Mermaid renderings of a small hand-built graph are exactly the expected
 * text (escaping included), are the same every time, and the text one never exceeds its width.
 */
class GraphRenderersTest {
  /** A device on its auto domain at the RID and at PASID 1, with a name full of specials. */
  static final ObjectGraph SMALL = new ObjectGraph(
      List.of(new Group("p1", "process 1"),
          new Group("c1", "iommufd context 1 (/dev/iommu, opened by pid 1)")),
      List.of(
          new Node("p1.fd3", Kind.FD, "p1", 3, "fd 3", List.of(new Field("file", "/dev/iommu"))),
          new Node("c1", Kind.CONTEXT, "c1", 1, "iommufd 1", List.of()),
          new Node("c1.o1", Kind.IOAS, "c1", 1, "IOAS 1",
              List.of(new Field("areas", "1"), new Field("mapped", "0x1000"))),
          new Node("c1.o2", Kind.DEVICE, "c1", 2, "device 2",
              List.of(new Field("name", "a\"b\\c<d>&#e"))),
          new Node("c1.o3", Kind.HWPT_PAGING, "c1", 3, "HWPT paging 3",
              List.of(new Field("flags", "0"), new Field("auto_domain", "yes")))),
      List.of(
          new Edge("p1.fd3", "c1", Relation.FD_OF, "fd of"),
          new Edge("c1.o2", "c1.o3", Relation.ATTACHED, "attached (RID)"),
          new Edge("c1.o2", "c1.o3", Relation.ATTACHED, "attached at PASID 1"),
          new Edge("c1.o3", "c1.o1", Relation.AUTO_DOMAIN_OF, "auto domain of")));

  @Test
  void text_wide_oneLinePerNodeAndEdge() {
    assertThat(TextGraph.render(SMALL, 80)).isEqualTo("""
        process 1
          fd 3: file=/dev/iommu
            -> fd of iommufd 1
        iommufd context 1 (/dev/iommu, opened by pid 1)
          iommufd 1
          IOAS 1: areas=1 mapped=0x1000
          device 2: name=a"b\\c<d>&#e
            -> attached (RID) HWPT paging 3
            -> attached at PASID 1 HWPT paging 3
          HWPT paging 3: flags=0 auto_domain=yes
            -> auto domain of IOAS 1
        """);
  }

  @Test
  void text_narrow_wrapsBetweenWordsWithDeeperContinuationIndent() {
    assertThat(TextGraph.render(SMALL, 24)).isEqualTo("""
        process 1
          fd 3: file=/dev/iommu
            -> fd of iommufd 1
        iommufd context 1
            (/dev/iommu, opened
            by pid 1)
          iommufd 1
          IOAS 1: areas=1
              mapped=0x1000
          device 2:
              name=a"b\\c<d>&#e
            -> attached (RID)
                HWPT paging 3
            -> attached at
                PASID 1
                HWPT paging 3
          HWPT paging 3: flags=0
              auto_domain=yes
            -> auto domain of
                IOAS 1
        """);
  }

  @Test
  void text_aWordLongerThanALineIsCut_noLineIsEverWider() {
    ObjectGraph g = new ObjectGraph(List.of(new Group("p1", "process 1")),
        List.of(new Node("p1.fd4", Kind.FD, "p1", 4, "fd 4",
            List.of(new Field("file", "anon_inode:[iommufd-pgfault]")))),
        List.of());
    assertThat(TextGraph.render(g, 20)).isEqualTo("""
        process 1
          fd 4:
              file=anon_inod
              e:[iommufd-pgf
              ault]
        """);
    for (int w = TextGraph.MIN_WIDTH; w <= 100; w++) {
      for (String line : TextGraph.render(SMALL, w).split("\n")) {
        assertThat(line.length()).as("width %d: %s", w, line).isLessThanOrEqualTo(w);
      }
    }
  }

  @Test
  void text_twoContexts_aTargetInAnotherGroupNamesItsContext() {
    ObjectGraph g = ObjectGraphTest.graphs("""
        open "/dev/iommu" -> ok fd=$ictx2
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$a
        $ictx2: IOMMU_IOAS_ALLOC -> ok out_ioas_id=$b
        $ictx2: IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=$f out_fault_fd=$ffd
        """).getLast();
    assertThat(TextGraph.render(g, 80)).isEqualTo("""
        process 1
          fd 3: file=/dev/iommu
            -> fd of iommufd 1
          fd 4: file=/dev/iommu
            -> fd of iommufd 2
          fd 5: file=anon_inode:[iommufd-pgfault]
            -> fd of fault queue 2 of iommufd 2
        iommufd context 1 (/dev/iommu, opened by pid 1)
          iommufd 1: file=/dev/iommu opened_by=pid 1
          IOAS 1: areas=0 mapped=0x0
        iommufd context 2 (/dev/iommu, opened by pid 1)
          iommufd 2: file=/dev/iommu opened_by=pid 1
          IOAS 1: areas=0 mapped=0x0
          fault queue 2: pending=0 awaiting_response=0
        """);
  }

  @Test
  void text_widthBelowMinimum_isRefused() {
    assertThatThrownBy(() -> TextGraph.render(SMALL, 19))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void text_emptyGraph_saysSo() {
    assertThat(TextGraph.render(new ObjectGraph(List.of(), List.of(), List.of()), 80))
        .isEqualTo("(the kernel holds no iommufd object and no process has an iommufd fd)\n");
  }

  @Test
  void dot_clustersPerGroup_quotedAndEscaped() {
    assertThat(DotGraph.render(SMALL)).isEqualTo("""
        digraph iommufd {
          rankdir=LR;
          node [shape=box, fontname="monospace", fontsize=10];
          edge [fontname="monospace", fontsize=9];
          subgraph "cluster_p1" {
            label="process 1";
            "p1.fd3" [label="fd 3\\nfile=/dev/iommu"];
          }
          subgraph "cluster_c1" {
            label="iommufd context 1 (/dev/iommu, opened by pid 1)";
            "c1" [label="iommufd 1"];
            "c1.o1" [label="IOAS 1\\nareas=1\\nmapped=0x1000"];
            "c1.o2" [label="device 2\\nname=a\\"b\\\\c<d>&#e"];
            "c1.o3" [label="HWPT paging 3\\nflags=0\\nauto_domain=yes"];
          }
          "p1.fd3" -> "c1" [label="fd of"];
          "c1.o2" -> "c1.o3" [label="attached (RID)"];
          "c1.o2" -> "c1.o3" [label="attached at PASID 1"];
          "c1.o3" -> "c1.o1" [label="auto domain of"];
        }
        """);
  }

  @Test
  void mermaid_flowchartWithSubgraphs_entityCodesForSpecials() {
    assertThat(MermaidGraph.render(SMALL)).isEqualTo("""
        flowchart LR
          subgraph g_p1["process 1"]
            n_p1_fd3["fd 3<br/>file=/dev/iommu"]
          end
          subgraph g_c1["iommufd context 1 (/dev/iommu, opened by pid 1)"]
            n_c1["iommufd 1"]
            n_c1_o1["IOAS 1<br/>areas=1<br/>mapped=0x1000"]
            n_c1_o2["device 2<br/>name=a#quot;b\\c#lt;d#gt;#amp;#35;e"]
            n_c1_o3["HWPT paging 3<br/>flags=0<br/>auto_domain=yes"]
          end
          n_p1_fd3 -->|"fd of"| n_c1
          n_c1_o2 -->|"attached (RID)"| n_c1_o3
          n_c1_o2 -->|"attached at PASID 1"| n_c1_o3
          n_c1_o3 -->|"auto domain of"| n_c1_o1
        """);
  }

  @Test
  void everyFormat_sameGraphSameBytes() {
    for (GraphFormat f : GraphFormat.values()) {
      ObjectGraph copy = new ObjectGraph(SMALL.groups(), SMALL.nodes(), SMALL.edges());
      assertThat(f.render(copy, 50)).as(f.spelling()).isEqualTo(f.render(SMALL, 50));
      assertThat(GraphFormat.named(f.spelling())).contains(f);
    }
    assertThat(GraphFormat.named("png")).isEmpty();
  }
}
