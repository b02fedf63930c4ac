/**
 * The Java port of QEMU's iommufd backend ({@code backends/iommufd.c}):
 * {@link org.iommufdsim.backend.IOMMUFDBackend}, the host IOMMU device types
 * ({@link org.iommufdsim.backend.HostIOMMUDeviceIOMMUFD}) and the trace points
 * ({@link org.iommufdsim.backend.BackendTrace}). It uses only the simulator's syscall surface
 * ({@code org.iommufdsim.sim.host.Syscalls}) and uAPI package, so it could run over a real
 * {@code /dev/iommu}. Naming: a QEMU function {@code f_g_h(obj, args...)} is the method
 * {@code fGH(args...)} of the class porting {@code obj}'s type; see {@code backend/README.md}.
 */
package org.iommufdsim.backend;
