package org.iommufdsim.sim.kernel.fs;

import org.iommufdsim.sim.kernel.mm.MemObject;

/**
 * A dma-buf fd (the selftest's exporter, iommufd_test_dmabuf_ops): zeroed memory of a fixed
 * size that its exporter can revoke; importers then lose their mappings.
 */
public final class DmabufFile extends KFile {
  private final MemObject memory;
  private final long size;
  private boolean revoked;
  /** Importers' revocation callbacks (dma_buf_move_notify), in attach order. */
  private final java.util.List<Runnable> importers = new java.util.ArrayList<>();

  public DmabufFile(MemObject memory, long size) {
    this.memory = memory;
    this.size = size;
  }

  @Override
  public String describe() {
    return "/dmabuf:iommufd-selftest";
  }

  public MemObject memory() {
    return memory;
  }

  public long size() {
    return size;
  }

  public boolean revoked() {
    return revoked;
  }

  public void addImporter(Runnable onRevoke) {
    importers.add(onRevoke);
  }

  public void removeImporter(Runnable onRevoke) {
    importers.remove(onRevoke);
  }

  /** DMABUF_REVOKE: revoking tells every importer; re-enabling restores nothing. */
  public void setRevoked(boolean r) {
    boolean was = revoked;
    revoked = r;
    if (r && !was) {
      java.util.List.copyOf(importers).forEach(Runnable::run);
    }
  }
}
