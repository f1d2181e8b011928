/*
 * emu: a PluginsService whose plugins are plain classes on the JVM classpath.
 *
 * Lives in org.elasticsearch.plugins because LoadedPlugin, loadPlugin and loadExtensions are
 * package-private. Everything runs on the classpath (unnamed module), so no module layers,
 * no plugin class loaders and no qualified exports are involved.
 */
package org.elasticsearch.plugins;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.Version;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.jdk.ModuleQualifiedExportsService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class EmuClasspathPluginsService extends PluginsService {

    private static final Logger logger = LogManager.getLogger(EmuClasspathPluginsService.class);

    /** A plugin class plus the name it is reported under (as a module, like the bundled ones of a real distribution). */
    public record Entry(String name, Class<? extends Plugin> pluginClass) {}

    private final List<LoadedPlugin> emuPlugins;
    private final PluginsAndModules emuInfo;

    public EmuClasspathPluginsService(Settings settings, Environment environment, List<Entry> entries) {
        // no modules/ or plugins/ directory scanning: both null
        super(settings, environment.configFile(), null, null);
        List<LoadedPlugin> loaded = new ArrayList<>();
        List<PluginDescriptor> modules = new ArrayList<>();
        for (Entry e : entries) {
            Plugin instance = loadPlugin(e.pluginClass(), settings, environment.configFile());
            PluginDescriptor d = new PluginDescriptor(
                e.name(),
                "classpath module (emu)",
                Version.CURRENT.toString(),
                Version.CURRENT.toString(),
                Integer.toString(Runtime.version().feature()),
                e.pluginClass().getName(),
                null,
                List.of(),
                false,
                false,
                false,
                false
            );
            loaded.add(new LoadedPlugin(d, instance));
            modules.add(d);
            logger.info("loaded module [{}]", e.name());
        }
        loadExtensions(loaded);
        this.emuPlugins = List.copyOf(loaded);
        this.emuInfo = new PluginsAndModules(List.of(), modules);
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return emuPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return emuInfo;
    }

    @Override
    protected void addServerExportsService(Map<String, List<ModuleQualifiedExportsService>> qualifiedExports) {
        // the server is in the unnamed module here: there are no qualified exports to wire
    }
}
