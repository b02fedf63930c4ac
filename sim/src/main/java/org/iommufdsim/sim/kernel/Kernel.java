package org.iommufdsim.sim.kernel;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.kernel.iommufd.IommufdFile;
import org.iommufdsim.sim.kernel.mm.MemObject;
import org.iommufdsim.sim.kernel.trace.Tracer;

/**
 * The simulated kernel: one per host. Holds what is global in Linux (PAGE_SIZE, the device
 * list, the iommufd module's test knobs) and the tasks. Single threaded and deterministic:
 * nothing here reads a clock or draws a random number.
 */
public final class Kernel {
  private final HostConfig config;
  private final Tracer tracer = new Tracer();
  private final org.iommufdsim.sim.kernel.decide.Decider decider =
      new org.iommufdsim.sim.kernel.decide.Decider();
  private final List<Task> tasks = new ArrayList<>();
  private final Devices devices = new Devices(this);
  /** Live iommufd contexts in creation order (for invariant checks). */
  private final List<IommufdFile> contexts = new ArrayList<>();
  /** How many contexts were ever opened: each context's ordinal, for explanations. */
  private int contextsOpened;
  /** Moves on with every finished system call and every new task: see Host.stateVersion. */
  private long stateVersion;
  private long memSerial;
  private final org.iommufdsim.sim.kernel.drivers.MockIommu mock;
  private int nextGroupId;
  private int nextMockDev;
  /** iommufd_test_memory_limit (IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT); module global. */
  private long testMemoryLimit = 65536;

  public Kernel(HostConfig config) {
    this.config = config;
    this.mock = new org.iommufdsim.sim.kernel.drivers.MockIommu(config.pageSize());
    this.mock.setMemFactory(len -> newMemObject("viommu-mmio", len, true));
    this.mock.setDecider(decider);
    this.deviceError = devices.build();
  }

  private final String deviceError;

  /** Why the configured devices could not be built, or null. */
  public String deviceError() {
    return deviceError;
  }

  /** The selftest mock IOMMU (one instance, as the kernel registers one). */
  public org.iommufdsim.sim.kernel.drivers.MockIommu mock() {
    return mock;
  }

  /** Another mock IOMMU instance (a second physical IOMMU of the same driver). */
  public org.iommufdsim.sim.kernel.drivers.MockIommu newMockInstance(String name) {
    org.iommufdsim.sim.kernel.drivers.MockIommu m =
        new org.iommufdsim.sim.kernel.drivers.MockIommu(config.pageSize(), name);
    m.setMemFactory(len -> newMemObject("viommu-mmio", len, true));
    m.setDecider(decider);
    return m;
  }

  /** A fresh IOMMU group (each device gets its own). */
  public org.iommufdsim.sim.kernel.iommu.IommuGroup newGroup() {
    return new org.iommufdsim.sim.kernel.iommu.IommuGroup(nextGroupId++);
  }

  /** Names mock devices as the kernel does: iommufd_mock0, iommufd_mock1, ... */
  public String nextMockDevName() {
    return "iommufd_mock" + nextMockDev++;
  }

  public HostConfig config() {
    return config;
  }

  public long pageSize() {
    return config.pageSize();
  }

  public Tracer tracer() {
    return tracer;
  }

  private java.util.function.BiConsumer<Task, String> callListener;

  /** Who hears of every finished system call, with the call as text (null: nobody). */
  public long stateVersion() {
    return stateVersion;
  }

  /** Something outside any system call changed what the kernel holds (a task was created). */
  public void stateChanged() {
    stateVersion++;
  }

  public void setCallListener(java.util.function.BiConsumer<Task, String> listener) {
    callListener = listener;
  }

  /**
   * A task's system call returned (its decision log is complete); {@code call} renders it, and
   * is asked only when someone listens.
   */
  public void callEnded(Task t, java.util.function.Supplier<String> call) {
    stateVersion++;
    if (callListener != null) {
      callListener.accept(t, call.get());
    }
  }

  /** Where check sites record the path of the system call in progress. */
  public org.iommufdsim.sim.kernel.decide.Decider decider() {
    return decider;
  }

  public Devices devices() {
    return devices;
  }

  /** Registers a context just opened; returns its ordinal (1 for the first ever opened). */
  public int registerContext(IommufdFile ctx) {
    contexts.add(ctx);
    return ++contextsOpened;
  }

  public void unregisterContext(IommufdFile ctx) {
    contexts.remove(ctx);
  }

  public List<IommufdFile> contexts() {
    return List.copyOf(contexts);
  }

  public Task spawn() {
    Task t = new Task(this, tasks.size() + 1, config.capSysResource());
    tasks.add(t);
    return t;
  }

  public List<Task> tasks() {
    return List.copyOf(tasks);
  }

  /** Process exit, as do_exit orders it: the address space goes first, then every fd in order. */
  public void exit(Task t) {
    if (t.exited()) {
      return;
    }
    t.mm().unmapAll();
    for (int fd : List.copyOf(t.fds().keySet())) {
      t.closeFd(fd);
    }
    t.markExited();
  }

  public MemObject newMemObject(String name, long size, boolean file) {
    return new MemObject(name, pageSize(), size, file, ++memSerial);
  }

  public long testMemoryLimit() {
    return testMemoryLimit;
  }

  public void setTestMemoryLimit(long limit) {
    testMemoryLimit = limit;
  }

  void noteInjected(Task t, String point) {
    decider.failNth(point);
    tracer.note("pid " + t.pid() + ": fail-nth fired at " + point);
  }
}
