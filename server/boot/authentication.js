'use strict';

module.exports = function enableAuthentication(server) {
  // Check every REST call against the models' ACLs; models without ACLs stay open.
  server.enableAuth();
};
