package org.iommufdsim.bench;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.properties.engine.Choices;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.sim.host.Host;

/**
 * A property made to fail late, for timing the shrinker: a process allocates IOASes (weight 3)
 * and destroys a live one (weight 2) through the syscall surface, and the "invariant" says
 * fewer than {@link #LIMIT} are live at once. The live count drifts up by a fifth of an object
 * per action, so a fresh program breaks it after about a thousand actions; the smallest program
 * that does is {@link #LIMIT} allocations, which is what shrinking has to find.
 */
final class IoasWalk implements StateMachine<IoasWalk.World> {
  static final int LIMIT = 200;

  static final class World {
    final UserProgram prog = new UserProgram(Host.create(), false);
    final UserProgram.Call alloc = prog.ioctl("IOMMU_IOAS_ALLOC");
    final UserProgram.Call destroy = prog.ioctl("IOMMU_DESTROY");
    final List<Long> live = new ArrayList<>();
  }

  @Override
  public String name() {
    return "ioas-walk";
  }

  @Override
  public World init(long seed) {
    return new World();
  }

  @Override
  public List<ActionType<World>> actions() {
    return List.of(
        StateMachine.action("alloc", 3, w -> true, (w, c) -> StateMachine.step("alloc", s -> {
          s.alloc.call();
          s.live.add(s.alloc.out("out_ioas_id"));
          return "ok";
        })),
        StateMachine.action("destroy", 2, w -> !w.live.isEmpty(), IoasWalk::destroy));
  }

  private static Action<World> destroy(World w, Choices c) {
    int index = (int) c.below(w.live.size());
    return StateMachine.step("destroy #" + index, s -> {
      long id = s.live.remove(index);
      s.destroy.set("id", id);
      return s.destroy.call().isOk() ? "ok" : "failed";
    });
  }

  @Override
  public List<Invariant<World>> invariants() {
    return List.of(new Invariant<>("fewer than " + LIMIT + " live",
        w -> w.live.size() < LIMIT ? null : w.live.size() + " IOAS objects live"));
  }
}
