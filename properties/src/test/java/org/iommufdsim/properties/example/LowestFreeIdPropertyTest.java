package org.iommufdsim.properties.example;

import static org.assertj.core.api.Assertions.assertThat;

import org.iommufdsim.properties.engine.Program;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.Verify;
import org.junit.jupiter.api.Test;

class LowestFreeIdPropertyTest {
  @Test
  void newObjectsTakeTheLowestFreeId() {
    PropertyCheck.Result r = Verify.holds(new LowestFreeIdProperty(),
        new PropertyCheck.Config(50, 40, 500));
    assertThat(r.coverage().get("destroy")).containsKey("ok");
  }

  @Test
  void aModelInWhichIdsOnlyGrow_isRefuted_byTheShortestProgram() {
    LowestFreeIdProperty onlyGrow = new LowestFreeIdProperty() {
      @Override
      protected long expectedId(World w) {
        return w.highest + 1;
      }
    };
    PropertyCheck.Result r = PropertyCheck.check(onlyGrow, 0,
        new PropertyCheck.Config(50, 40, 500));
    assertThat(r.passed()).isFalse();
    Program.Run shrunk = r.counterexample().shrunk().run();
    assertThat(shrunk.steps()).extracting(Program.Step::description)
        .containsExactly("IOMMU_IOAS_ALLOC", "IOMMU_DESTROY id=1", "IOMMU_IOAS_ALLOC");
    assertThat(shrunk.failure().message()).isEqualTo("got ID 1, expected the lowest free, 2");
  }
}
