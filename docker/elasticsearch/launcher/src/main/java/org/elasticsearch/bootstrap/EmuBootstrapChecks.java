/*
 * emu: opt-in access to Elasticsearch's own bootstrap checks (package-private BootstrapChecks).
 * Used only when the launcher runs with -Demu.es.bootstrap.checks=true.
 */
package org.elasticsearch.bootstrap;

import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.node.NodeValidationException;

import java.util.List;

public final class EmuBootstrapChecks {
    private EmuBootstrapChecks() {}

    public static void check(BootstrapContext context, BoundTransportAddress bound, List<BootstrapCheck> extra)
        throws NodeValidationException {
        BootstrapChecks.check(context, bound, extra);
    }
}
