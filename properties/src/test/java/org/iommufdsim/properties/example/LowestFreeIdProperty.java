package org.iommufdsim.properties.example;

import static org.iommufdsim.properties.engine.StateMachine.action;
import static org.iommufdsim.properties.engine.StateMachine.step;

import java.util.List;
import java.util.TreeSet;
import org.iommufdsim.properties.engine.StateMachine;
import org.iommufdsim.properties.transcript.RecordingSyscalls;
import org.iommufdsim.properties.transcript.ScnTranscript;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;

/**
 * The README's example property: whatever IOASes a program allocates and destroys, a new
 * object gets the lowest free ID (the kernel's xa_alloc from 1), and destroying a live IOAS
 * succeeds. The model is a sorted set of the IDs that should be live.
 */
public class LowestFreeIdProperty implements StateMachine<LowestFreeIdProperty.World> {
  /** The system (one process with /dev/iommu open) and the model. */
  public static final class World {
    final Host host = Host.create();
    final RecordingSyscalls sys = new RecordingSyscalls(host.spawn());
    final int iommufd = (int) sys.open("/dev/iommu").value();
    final long buf = sys.mmap(0, 4096, 3, 0x22, -1, 0).value();
    final TreeSet<Long> live = new TreeSet<>();
    long highest;
  }

  @Override
  public String name() {
    return "example-lowest-free-id";
  }

  @Override
  public World init(long seed) {
    return new World();
  }

  @Override
  public List<ActionType<World>> actions() {
    return List.of(
        action("alloc", 2, w -> true, (w, c) -> step("IOMMU_IOAS_ALLOC", s -> {
          long expected = expectedId(s);
          SysResult r = ioctl(s, "IOMMU_IOAS_ALLOC", "out_ioas_id", 0);
          long id = Integer.toUnsignedLong(s.sys.memory().load32(s.buf + 8));
          if (r.isOk() && id != expected) {
            throw new AssertionError("got ID " + id + ", expected the lowest free, " + expected);
          }
          s.live.add(id);
          s.highest = Math.max(s.highest, id);
          return r.isOk() ? "ok" : r.errno().name();
        })),
        action("destroy", 1, w -> !w.live.isEmpty(), (w, c) -> {
          long id = w.live.stream().skip(c.below(w.live.size())).findFirst().orElseThrow();
          return step("IOMMU_DESTROY id=" + id, s -> {
            SysResult r = ioctl(s, "IOMMU_DESTROY", "id", id);
            s.live.remove(id);
            return r.isOk() ? "ok" : r.errno().name();
          });
        }));
  }

  @Override
  public List<Invariant<World>> invariants() {
    return List.of(new Invariant<>("the kernel model's invariants",
        w -> w.host.checkInvariants().isEmpty() ? null : w.host.checkInvariants().toString()));
  }

  @Override
  public String transcript(World w) {
    return ScnTranscript.render(name(), w.host.config(), w.sys);
  }

  /** The model: the lowest ID not in use, counting from 1. */
  protected long expectedId(World w) {
    long id = 1;
    while (w.live.contains(id)) {
      id++;
    }
    return id;
  }

  /** Lays out the ioctl's struct with {@code size} and one field, and calls it. */
  static SysResult ioctl(World w, String name, String field, long value) {
    IoctlDef def = Uapi.ioctl(name).orElseThrow();
    CStruct s = def.struct();
    byte[] b = s.newBuffer();
    b[0] = (byte) s.size();
    w.sys.memory().store(w.buf, b);
    if (value != 0) {
      w.sys.memory().store(w.buf + s.offset(field), new byte[] {(byte) value, (byte) (value >> 8),
          (byte) (value >> 16), (byte) (value >> 24)});
    }
    return w.sys.ioctl(w.iommufd, def.request(), w.buf);
  }
}
