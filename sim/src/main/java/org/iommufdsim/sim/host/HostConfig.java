package org.iommufdsim.sim.host;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * How the simulated host is built: its PAGE_SIZE, its devices, and whether processes hold
 * CAP_SYS_RESOURCE (the kernel selftests run as root, so they do by default).
 */
public record HostConfig(long pageSize, ImmutableList<DeviceSpec> devices, boolean capSysResource) {
  public static final long DEFAULT_PAGE_SIZE = 4096;

  public HostConfig {
    checkArgument(
        pageSize >= 4096 && pageSize <= (1 << 20) && Long.bitCount(pageSize) == 1,
        "page_size must be a power of two from 4096 to 1 MiB, not %s",
        pageSize);
  }

  public static HostConfig defaults() {
    return new HostConfig(DEFAULT_PAGE_SIZE, ImmutableList.of(), true);
  }

  public HostConfig withPageSize(long size) {
    return new HostConfig(size, devices, capSysResource);
  }

  public HostConfig withDevices(List<DeviceSpec> list) {
    return new HostConfig(pageSize, ImmutableList.copyOf(list), capSysResource);
  }

  public HostConfig withCapSysResource(boolean cap) {
    return new HostConfig(pageSize, devices, cap);
  }
}
