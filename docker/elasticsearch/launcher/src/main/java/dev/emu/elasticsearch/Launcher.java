package dev.emu.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.EmuNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.EmuClasspathPluginsService.Entry;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts one Elasticsearch node in this JVM and keeps it running until the JVM is asked to stop (SIGTERM/SIGINT).
 *
 * <pre>
 * java -Des.path.home=HOME -Des.path.conf=CONF -cp 'LIB/*' dev.emu.elasticsearch.Launcher [-Ekey=value ...]
 * </pre>
 *
 * Settings: CONF/elasticsearch.yml (with ${ENV} substitution), overridden by -E arguments, as with the
 * real distribution. Logging: CONF/log4j2.properties. Unlike bin/elasticsearch there is no CLI parent process,
 * no keystore, no security manager, no refusal to run as root, and the bootstrap checks run only with
 * -Demu.es.bootstrap.checks=true.
 * Extra classpath plugins: -Demu.es.plugins=name=fully.qualified.Class,...
 * -Demu.es.train=true: exercise the REST API once after start, then exit (class-data-sharing archive training).
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        String home = System.getProperty("es.path.home");
        if (home == null) {
            System.err.println("emu-es: -Des.path.home is required");
            System.exit(64);
        }
        Path homePath = Path.of(home).toAbsolutePath();
        Path confPath = Path.of(System.getProperty("es.path.conf", homePath.resolve("config").toString())).toAbsolutePath();

        Settings.Builder input = Settings.builder().put("path.home", homePath.toString());
        for (String arg : args) {
            if (arg.startsWith("-E") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                input.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                System.err.println("emu-es: unsupported argument [" + arg + "] (only -Ekey=value)");
                System.exit(64);
            }
        }

        final Environment environment;
        final Logger logger;
        try {
            environment = InternalSettingsPreparer.prepareEnvironment(input.build(), Map.of(), confPath, Launcher::defaultNodeName);
            LogConfigurator.registerErrorListener();
            LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
            LogConfigurator.configure(environment, true);
            logger = LogManager.getLogger(Launcher.class);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(78);
            return;
        }

        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error) {
                logger.fatal(() -> "fatal error in thread [" + thread.getName() + "], exiting", e);
                Runtime.getRuntime().halt(e instanceof OutOfMemoryError ? 127 : 1);
            } else {
                logger.error(() -> "uncaught exception in thread [" + thread.getName() + "]", e);
            }
        });

        final Node node;
        try {
            node = new EmuNode(environment, plugins(), Boolean.getBoolean("emu.es.bootstrap.checks"));
        } catch (Throwable t) {
            logger.fatal("node construction failed", t);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                logger.info("stopping ...");
                node.prepareForClose();
                node.close();
                if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                    logger.warn("timed out waiting for the node to close");
                }
                logger.info("stopped");
            } catch (Throwable t) {
                logger.warn("error while stopping", t);
            } finally {
                stopped.countDown();
            }
        }, "emu-es-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            logger.fatal("node failed to start", t);
            Runtime.getRuntime().halt(1);
        }
        logger.info("emu-es: node [{}] started", Node.NODE_NAME_SETTING.get(environment.settings()));

        if (Boolean.getBoolean("emu.es.train")) {
            int rc = 0;
            try {
                CdsTraining.run(node);
            } catch (Throwable t) {
                logger.error("training run failed", t);
                rc = 1;
            }
            System.exit(rc); // runs the shutdown hook; -XX:ArchiveClassesAtExit dumps after it
        }

        // non-daemon keep-alive: the JVM lives until a signal runs the shutdown hook
        Thread keepAlive = new Thread(() -> {
            try {
                stopped.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "emu-es-keepalive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }

    static List<Entry> plugins() throws ClassNotFoundException {
        List<Entry> list = new ArrayList<>();
        list.add(new Entry("transport-netty4", Netty4Plugin.class));
        list.add(new Entry("emu-rest-root", RootEndpointPlugin.class));
        String extra = System.getProperty("emu.es.plugins", "").trim();
        if (extra.isEmpty() == false) {
            for (String item : extra.split(",")) {
                String[] kv = item.trim().split("=", 2);
                String cls = kv.length == 2 ? kv[1] : kv[0];
                list.add(new Entry(kv[0], Class.forName(cls).asSubclass(Plugin.class)));
            }
        }
        return list;
    }

    private static String defaultNodeName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && h.isBlank() == false) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node-" + ProcessHandle.current().pid();
        }
    }
}
