/*
 * emu: a Node whose plugins come from the classpath (see EmuClasspathPluginsService).
 * In org.elasticsearch.node because NodeConstruction/NodeServiceProvider are package-private.
 */
package org.elasticsearch.node;

import org.elasticsearch.bootstrap.BootstrapCheck;
import org.elasticsearch.bootstrap.BootstrapContext;
import org.elasticsearch.bootstrap.EmuBootstrapChecks;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.EmuClasspathPluginsService;
import org.elasticsearch.plugins.PluginsService;

import java.util.List;

public class EmuNode extends Node {

    private final boolean runBootstrapChecks;

    public EmuNode(Environment environment, List<EmuClasspathPluginsService.Entry> plugins, boolean runBootstrapChecks) {
        super(NodeConstruction.prepareConstruction(environment, new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, Settings settings) {
                return new EmuClasspathPluginsService(settings, env, plugins);
            }
        }, true));
        this.runBootstrapChecks = runBootstrapChecks;
    }

    @Override
    protected void validateNodeBeforeAcceptingRequests(
        BootstrapContext context,
        BoundTransportAddress boundTransportAddress,
        List<BootstrapCheck> checks
    ) throws NodeValidationException {
        if (runBootstrapChecks) {
            EmuBootstrapChecks.check(context, boundTransportAddress, checks);
        }
    }
}
