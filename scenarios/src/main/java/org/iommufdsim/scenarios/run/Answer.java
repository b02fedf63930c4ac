package org.iommufdsim.scenarios.run;

import org.iommufdsim.sim.host.SysResult;

/** What the kernel answered to one step: the call's result and everything the outcome may name. */
public record Answer(SysResult result, Observed observed) {}
