package org.iommufdsim.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iommufdsim.scenarios.cli.MainTest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.suites.Suite;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.Syscalls;
import org.iommufdsim.sim.uapi.Uapi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explore} over two small properties on the real simulator: IOASes are allocated and
 * destroyed; one property claims fewer than {@code limit} are ever live at once (false for a
 * small limit), and each keeps its own hand-written transcript of the calls.
 */
class ExploreCommandTest {
  @TempDir Path dir;
  private Supplier<List<Suite>> saved;

  /** One process with /dev/iommu open, the live IOAS IDs, and the calls as .scn steps. */
  static final class World {
    final Syscalls sys = Host.create().spawn();
    final int fd = (int) sys.open("/dev/iommu").value();
    final long buf = sys.mmap(0, 4096, 3, 0x22, -1, 0).value();
    final List<Long> live = new ArrayList<>();
    final StringBuilder scn = new StringBuilder();
  }

  static StateMachine<World> ioasLimit(String name, int limit) {
    return new StateMachine<>() {
      public String name() {
        return name;
      }

      public World init(long seed) {
        return new World();
      }

      public List<ActionType<World>> actions() {
        return List.of(type("alloc", 3, w -> true, (w, c) -> alloc()),
            type("destroy", 1, w -> !w.live.isEmpty(),
                (w, c) -> destroy((int) c.below(w.live.size()))));
      }

      public List<Invariant<World>> invariants() {
        return List.of(new Invariant<>("fewer than " + limit + " IOASes",
            w -> w.live.size() < limit ? null : w.live.size() + " IOASes are live"));
      }

      public String transcript(World w) {
        return w.scn.toString();
      }
    };
  }

  static StateMachine.ActionType<World> type(String name, int weight,
      java.util.function.Predicate<World> enabled,
      java.util.function.BiFunction<World, Choices, StateMachine.Action<World>> gen) {
    return new StateMachine.ActionType<>() {
      public String name() {
        return name;
      }

      public int weight() {
        return weight;
      }

      public boolean enabled(World w) {
        return enabled.test(w);
      }

      public StateMachine.Action<World> generate(World w, Choices c) {
        return gen.apply(w, c);
      }
    };
  }

  static StateMachine.Action<World> alloc() {
    return new StateMachine.Action<>() {
      public String describe() {
        return "IOMMU_IOAS_ALLOC";
      }

      public String run(World w) {
        
        w.sys.memory().store(w.buf, new byte[] {12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        SysResult r = w.sys.ioctl(w.fd, Uapi.ioctl("IOMMU_IOAS_ALLOC").orElseThrow().request(),
            w.buf);
        long id = w.sys.memory().load32(w.buf + 8) & 0xffffffffL;
        w.live.add(id);
        w.scn.append("IOMMU_IOAS_ALLOC -> ok out_ioas_id=").append(id).append('\n');
        return r.isOk() ? "ok" : r.errno().name();
      }
    };
  }

  static StateMachine.Action<World> destroy(int index) {
    return new StateMachine.Action<>() {
      public String describe() {
        return "IOMMU_DESTROY live[" + index + "]";
      }

      public String run(World w) {
        long id = w.live.remove(index);
        w.sys.memory().store(w.buf, new byte[] {8, 0, 0, 0, (byte) id, 0, 0, 0});
        SysResult r = w.sys.ioctl(w.fd, Uapi.ioctl("IOMMU_DESTROY").orElseThrow().request(),
            w.buf);
        w.scn.append("IOMMU_DESTROY id=").append(id).append('\n');
        return r.isOk() ? "ok" : r.errno().name();
      }
    };
  }

  @BeforeEach
  void substituteTheRegistry() {
    saved = ExploreCommand.registry;
    ExploreCommand.registry = () -> List.of(
        new Suite("ioas-few", "never more than 3 IOASes live (false)",
            () -> ioasLimit("ioas-few", 3), PropertyCheck.Config.defaults()),
        new Suite("ioas-many", "never more than 1000 IOASes live",
            () -> ioasLimit("ioas-many", 1000), PropertyCheck.Config.defaults()));
  }

  @AfterEach
  void restore() {
    ExploreCommand.registry = saved;
  }

  @Test
  void list_namesEveryPropertyWithItsSummary() {
    MainTest.Result r = cli("explore", "--list");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("ioas-few   never more than 3 IOASes live (false)\n"
        + "ioas-many  never more than 1000 IOASes live\n");
  }

  @Test
  void aPassingCampaign_summarisesTriesStepsCoverageAndTheNextSeed_andExitsZero() {
    MainTest.Result a = cli("explore", "ioas-many", "--seed", "40", "--tries", "12");
    MainTest.Result b = cli("explore", "ioas-many", "--seed", "40", "--tries", "12");
    assertThat(a.code()).isZero();
    assertThat(a.out()).isEqualTo(b.out())
        .startsWith("exploring ioas-many from seed 40\nioas-many: passed, 12 tries from seed 40, ")
        .contains("coverage: 2 of 2 actions run, 2 distinct action outcomes\n")
        .contains("  alloc: ok=").contains("  destroy: ok=")
        .endsWith("seeds 40..51; the next campaign continues at --seed 52\n");
    a.assertNoStackTrace();
  }

  @Test
  void aFailure_isShrunk_writtenAsAScenarioThatCheckReplays_andExitsOne() throws IOException {
    MainTest.Result r = cli("explore", "ioas-few", "--seed", "3", "--tries", "50", "--out",
        dir.toString());
    assertThat(r.code()).isEqualTo(1);
    Path scn = dir.resolve("ioas-few-seed-3.scn");
    assertThat(r.out()).contains("ioas-few: FAILED, 1 try from seed 3")
        .contains("seed 3: fewer than 3 IOASes: 3 IOASes are live")
        .contains("  1. IOMMU_IOAS_ALLOC -> ok\n  2. IOMMU_IOAS_ALLOC -> ok\n"
            + "  3. IOMMU_IOAS_ALLOC -> ok\n")
        .contains("replay them:  ./iommufd-sim check " + scn)
        .contains("rerun the try: ./iommufd-sim explore ioas-few --seed 3 --tries 1");
    assertThat(Files.readString(scn)).isEqualTo("IOMMU_IOAS_ALLOC -> ok out_ioas_id=1\n"
        + "IOMMU_IOAS_ALLOC -> ok out_ioas_id=2\nIOMMU_IOAS_ALLOC -> ok out_ioas_id=3\n");
    assertThat(cli("check", scn.toString()).code()).isZero();
  }

  @Test
  void usageErrors_exitTwoWithoutAStackTrace() {
    MainTest.Result unknown = cli("explore", "nope");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown property nope (properties: ioas-few, ioas-many)");
    unknown.assertNoStackTrace();
    MainTest.Result missing = cli("explore");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing PROPERTY");
    MainTest.Result badSeed = cli("explore", "ioas-many", "--seed", "x");
    assertThat(badSeed.code()).isEqualTo(2);
    assertThat(badSeed.err()).contains("--seed takes an unsigned 64-bit number, not x");
    assertThat(cli("explore", "ioas-many", "--tries", "0").code()).isEqualTo(2);
  }

  @Test
  void withoutASeed_aFreshOneIsPrintedWithTheWayToRepeatIt() {
    MainTest.Result r = cli("explore", "ioas-many", "--tries", "1");
    assertThat(r.code()).isZero();
    String seed = r.out().lines().findFirst().orElseThrow()
        .replaceAll("^exploring ioas-many from seed (\\d+) .*$", "$1");
    assertThat(r.out()).contains("(fresh; pass --seed " + seed + " to repeat)");
    MainTest.Result again = cli("explore", "ioas-many", "--tries", "1", "--seed", seed);
    assertThat(again.out().lines().skip(1).toList())
        .isEqualTo(r.out().lines().skip(1).toList());
  }
}
