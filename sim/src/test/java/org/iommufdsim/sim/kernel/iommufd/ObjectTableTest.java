package org.iommufdsim.sim.kernel.iommufd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The object table hands out IDs as xa_alloc with XA_FLAGS_ALLOC1 and xa_limit_31b does. */
class ObjectTableTest {

  private static Ioas ioasWithId(ObjectTable t) {
    Ioas o = new Ioas(4096);
    o.setId(t.reserve());
    return o;
  }

  @Test
  void reservedIds_areInvisibleUntilPublished() {
    ObjectTable t = new ObjectTable();
    Ioas o = ioasWithId(t);
    assertThat(o.id()).isEqualTo(1);
    assertThat(t.get(1, ObjType.ANY)).isNull();
    assertThat(t.occupied(1)).isTrue();
    t.publish(o);
    assertThat(t.get(1, ObjType.IOAS)).isSameAs(o);
    assertThat(t.get(1, ObjType.HWPT_PAGING)).as("wrong type").isNull();
  }

  @Test
  void tombstones_keepTheirIdForever() {
    ObjectTable t = new ObjectTable();
    Ioas a = ioasWithId(t);
    t.publish(a);
    t.tombstone(a.id());
    assertThat(t.get(1, ObjType.ANY)).isNull();
    assertThat(t.reserve()).isEqualTo(2);
    assertThat(t.isEmpty()).isFalse();
  }

  @Test
  void randomAllocAndFree_alwaysGivesTheLowestFreeId() {
    SplittableRandom rnd = new SplittableRandom(5);
    ObjectTable t = new ObjectTable();
    TreeSet<Integer> used = new TreeSet<>();
    for (int i = 0; i < 5000; i++) {
      if (used.isEmpty() || rnd.nextInt(3) > 0) {
        int expected = 1;
        while (used.contains(expected)) {
          expected++;
        }
        int id = t.reserve();
        assertThat(id).isEqualTo(expected);
        used.add(id);
      } else {
        Integer victim = used.ceiling(1 + rnd.nextInt(used.last()));
        used.remove(victim);
        t.release(victim);
      }
      assertThat(t.checkAllocator()).isEmpty();
    }
  }
}
