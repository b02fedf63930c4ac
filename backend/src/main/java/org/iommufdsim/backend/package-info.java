/**
 * The Java port of QEMU's iommufd backend ({@code backends/iommufd.c}) and its callers. It uses
 * only the simulator's syscall surface ({@code org.iommufdsim.sim.host.Syscalls}) and uAPI
 * package, so it could run over a real {@code /dev/iommu}. The port itself arrives with its issue.
 */
package org.iommufdsim.backend;
