package org.iommufdsim.backend.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.iommufdsim.sim.uapi.Errno;

/**
 * The part of QEMU's migration core the backend touches: migration blockers
 * ({@code migration/blocker.c}) and the registered vmstate handlers ({@code vmstate_register}).
 * {@code --only-migratable} makes adding a blocker fail, which is how a blocker failure is
 * reached in QEMU.
 */
public final class Migration {
  /** A registered {@code VMStateDescription} instance with its save/load hooks. */
  public record Vmstate(String name, Object opaque, IntSupplier preSave, IntSupplier postLoad) {
    public Vmstate {
      Objects.requireNonNull(name);
      Objects.requireNonNull(opaque);
    }
  }

  private final List<QemuError> blockers = new ArrayList<>();
  private final List<Vmstate> vmstates = new ArrayList<>();
  private boolean onlyMigratable;

  /** {@code -only-migratable} on the command line. */
  public void setOnlyMigratable(boolean on) {
    onlyMigratable = on;
  }

  /**
   * {@code migrate_add_blocker_modes(reasonp, modes, errp)}: 0, or {@code -EACCES} with the
   * reason propagated (prefixed) to {@code errp} under {@code --only-migratable}. The modes are
   * not modelled (no migration runs here).
   */
  public int migrateAddBlockerModes(QemuError reason, Errp errp) {
    Objects.requireNonNull(reason);
    if (onlyMigratable) {
      Errp local = Errp.local();
      local.setg("disallowing migration blocker (--only-migratable) for: " + reason.message());
      local.propagateTo(errp);
      return -Errno.EACCES.number();
    }
    blockers.add(reason);
    return 0;
  }

  /** {@code migrate_del_blocker(reasonp)}: no-op when it is not installed. */
  public void migrateDelBlocker(QemuError reason) {
    blockers.remove(reason);
  }

  /** {@code vmstate_register(NULL, -1, vmsd, opaque)}. */
  public void vmstateRegister(Vmstate v) {
    vmstates.add(v);
  }

  /** {@code vmstate_unregister(NULL, vmsd, opaque)}. */
  public void vmstateUnregister(String name, Object opaque) {
    vmstates.removeIf(v -> v.name().equals(name) && v.opaque() == opaque);
  }

  public List<QemuError> blockers() {
    return List.copyOf(blockers);
  }

  public List<Vmstate> vmstates() {
    return List.copyOf(vmstates);
  }
}
