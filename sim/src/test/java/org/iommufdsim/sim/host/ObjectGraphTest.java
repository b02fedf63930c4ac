package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.iommufdsim.sim.host.ObjectGraph.Kind;
import org.junit.jupiter.api.Test;

/**
 * Reading the object graph changes nothing the kernel shows (state dump, trace, the armed
 * fail-nth counter), two processes with a context each are kept apart, and a second context
 * of one process gets its own ordinal and keys.
 */
class ObjectGraphTest {
  @Test
  void objectGraph_isReadOnly_evenWithFailNthArmed() {
    Cprog c = new Cprog();
    c.ioctl("IOMMU_IOAS_ALLOC", Map.of());
    c.test("IOMMU_TEST_OP_MOCK_DOMAIN", Map.of("id", 1L));
    c.p.failNth(3);
    String dump = c.host.stateDump();
    List<String> trace = c.host.trace();
    long armed = c.p.failNthRemaining();
    ObjectGraph g = c.host.objectGraph();
    assertThat(g.nodes()).hasSize(6);
    assertThat(c.host.objectGraph()).isEqualTo(g);
    assertThat(c.host.stateDump()).isEqualTo(dump);
    assertThat(c.host.trace()).isEqualTo(trace);
    assertThat(c.p.failNthRemaining()).isEqualTo(armed);
  }

  @Test
  void twoProcesses_eachFdInItsProcess_eachObjectInItsContext() {
    Host host = Host.create();
    Cprog a = new Cprog(host);
    Cprog b = new Cprog(host);
    b.ioctl("IOMMU_IOAS_ALLOC", Map.of());
    int second = (int) a.p.open("/dev/iommu").value();
    ObjectGraph g = host.objectGraph();
    assertThat(g.groups()).extracting(ObjectGraph.Group::key)
        .containsExactly("p1", "p2", "c1", "c2", "c3");
    assertThat(g.nodes()).extracting(ObjectGraph.Node::key)
        .containsExactly("p1.fd3", "p1.fd" + second, "p2.fd3", "c1", "c2", "c2.o1", "c3");
    assertThat(g.edges()).extracting(e -> e.from() + ">" + e.to())
        .containsExactly("p1.fd3>c1", "p1.fd" + second + ">c3", "p2.fd3>c2");
    assertThat(g.node("c2").orElseThrow().fields()).containsExactly(
        new ObjectGraph.Field("file", "/dev/iommu"), new ObjectGraph.Field("opened_by", "pid 2"));
    assertThat(g.nodes(Kind.IOAS)).singleElement()
        .satisfies(n -> assertThat(n.group()).isEqualTo("c2"));
    a.p.close(a.iommufd);
    assertThat(host.objectGraph().groups()).extracting(ObjectGraph.Group::key)
        .containsExactly("p1", "p2", "c2", "c3");
  }
}
